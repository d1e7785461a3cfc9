//! Alerts: every evaluation's findings are stored as alerts with a trail; a manager
//! acknowledges an overdue alert only by recording a management decision (what, who, by
//! when), which holds its escalation; an IRO can open a challenge from it; and who may
//! do each is checked for every role.

use permanence_domain::date::format_dmy;
use permanence_domain::tracker::StaffRole;
use permanence_rules::Status;
use permanence_store::{Alert, Alerts};

use crate::common::*;

/// An open overdue alert about a child whose record is not restricted, whose owner has a
/// team manager above them, with that manager.
fn overdue_alert_with_manager(app: &TestApp) -> (Alert, String) {
    let borough = app.borough();
    let store = app.store();
    for alert in store.open_alerts().unwrap() {
        if alert.status != permanence_rules::Status::Overdue
            || alert.decision.is_some()
            || !borough.may_see(None, &alert.child)
        {
            continue;
        }
        let Some(owner) = &alert.owner else { continue };
        let manager = borough
            .organisation
            .management_line(owner)
            .into_iter()
            .find(|p| p.role == StaffRole::TeamManager);
        if let Some(manager) = manager {
            return (alert, manager.id.clone());
        }
    }
    panic!("the synthetic borough has an overdue alert with a team manager");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_finding_is_an_open_alert_with_its_trail() {
    let app = TestApp::start().await;
    let borough = app.borough();
    let open = app.store().open_alerts().unwrap();
    assert_eq!(open.len(), borough.findings.len());
    for finding in &borough.findings {
        assert!(
            open.iter().any(|a| a.rule == finding.rule
                && a.child == finding.child
                && a.subject == finding.subject),
            "{} {}",
            finding.rule,
            finding.child
        );
    }
    let client = app.signed_in(Role::PerformanceAnalyst).await;
    let alert = open
        .iter()
        .find(|a| borough.may_see(None, &a.child))
        .unwrap();
    let (status, page) = app.get(&client, &format!("/alerts/{}", alert.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&alert.rule), "{page}");
    assert!(page.contains("Opened"), "the trail starts with the opening");
    // An analyst reads, but neither decides nor challenges.
    assert!(!page.contains("Record a management decision"));
    assert!(!page.contains("Open an IRO challenge"));
    // Reading an alert is reading the child's record: audited.
    let audit = app.store().audit_log(Some(&alert.child)).unwrap();
    assert!(audit.iter().any(|e| e.actor == "performance_analyst"
        && e.action == "view_child"
        && e.detail.contains(&format!("alert {}", alert.id))));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_acknowledges_an_alert_with_a_decision_after_a_validation_error() {
    let app = TestApp::start().await;
    let (alert, manager) = overdue_alert_with_manager(&app);
    app.set_staff_id("team_manager", Some(&manager));
    let client = app.signed_in(Role::TeamManager).await;
    let (status, page) = app.get(&client, &format!("/alerts/{}", alert.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("/alerts/{}/decision", alert.id)),
        "{page}"
    );

    let form_path = format!("/alerts/{}/decision", alert.id);
    let (status, form) = app.get(&client, &form_path).await;
    assert_eq!(status, StatusCode::OK);
    let token = hidden_token(&form);
    // The owner is offered first, already chosen.
    let owner = alert.owner.clone().unwrap();
    assert!(
        form.contains(&format!(r#"<option value="{owner}" selected>"#)),
        "{form}"
    );

    // Nothing said, and a date in the past: told what to fix, input kept.
    let yesterday = format_dmy(today().yesterday().unwrap());
    let response = app
        .post_form(
            &client,
            &form_path,
            &[
                ("csrf_token", &token),
                ("decision", "   "),
                ("owner", &owner),
                ("due", &yesterday),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    assert!(
        page.contains(r##"<a href="#decision">Enter what will happen</a>"##),
        "{page}"
    );
    assert!(page.contains(r##"<a href="#due">The date must be today or in the future</a>"##));
    assert!(
        page.contains(&format!(r#"value="{yesterday}""#)),
        "the date typed is kept"
    );

    // A real decision: recorded, and the alert says it is held.
    let due = today().checked_add(jiff::Span::new().days(14)).unwrap();
    let response = app
        .post_form(
            &client,
            &form_path,
            &[
                ("csrf_token", &token),
                ("decision", "Book the review with the IRO this week"),
                ("owner", &owner),
                ("due", &format_dmy(due)),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/alerts/{}?saved=decision", alert.id)
    );
    let (_, page) = app
        .get(&client, &format!("/alerts/{}?saved=decision", alert.id))
        .await;
    assert!(
        page.contains("The management decision is recorded"),
        "{page}"
    );
    let stored = app.store().alert(alert.id).unwrap().unwrap();
    let decision = stored
        .decision
        .clone()
        .expect("the alert holds the decision");
    assert_eq!(stored.decision_due, Some(due));
    let trail = app.store().alert_events(alert.id).unwrap();
    assert_eq!(trail.last().unwrap().kind, "decision");
    assert!(page.contains(&decision));
    // It is an ordinary tracker record, from the alert, made by the manager.
    let record = app
        .store()
        .current_tracker_records()
        .unwrap()
        .into_iter()
        .find(|r| r.field("ID") == decision)
        .unwrap();
    assert_eq!(record.field("SOURCE"), "alert");
    assert_eq!(record.field("SOURCE_REF"), alert.rule);
    assert_eq!(record.field("MADE_BY"), manager);
    assert_eq!(record.field("OWNER"), owner);
    // The finding the engine gives now carries it.
    let borough = app.borough();
    let finding = borough
        .findings_for(&alert.child)
        .find(|f| f.rule == alert.rule && f.subject == alert.subject)
        .unwrap();
    assert_eq!(finding.status, Status::Overdue);
    assert_eq!(
        finding.decision.as_ref().map(|d| d.id.as_str()),
        Some(decision.as_str())
    );
    // Audited as a change to the child's record.
    let audit = app.store().audit_log(Some(&alert.child)).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.actor == "team_manager" && e.action == "add_record")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn who_may_open_read_and_act_on_an_alert() {
    let app = TestApp::start().await;
    let (alert, manager) = overdue_alert_with_manager(&app);
    app.set_staff_id("team_manager", Some(&manager));
    let alert_path = format!("/alerts/{}", alert.id);
    let decision_path = format!("/alerts/{}/decision", alert.id);
    for role in Role::ALL {
        let client = app.signed_in(*role).await;
        let (status, page) = app.get(&client, &alert_path).await;
        if *role == Role::Administrator {
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
            assert!(!page.contains(&alert.child), "a refusal shows no child");
        } else {
            assert_eq!(status, StatusCode::OK, "{role:?}");
        }
        // Only a manager in the register whose span reaches the child may decide; the
        // service manager and head of service have no staff id here.
        let (status, _) = app.get(&client, &decision_path).await;
        let decides = *role == Role::TeamManager;
        assert_eq!(
            status,
            if decides {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            },
            "{role:?} decision form"
        );
        let (_, home) = app.get(&client, "/").await;
        let response = app
            .post_form(
                &client,
                &decision_path,
                &[
                    ("csrf_token", hidden_token(&home).as_str()),
                    ("decision", "x"),
                    ("owner", "x"),
                    ("due", "x"),
                ],
            )
            .await;
        let expected = if decides {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(response.status(), expected, "{role:?} decision post");
    }
    // Forged token, unknown and malformed ids.
    let client = app.signed_in(Role::TeamManager).await;
    let response = app
        .post_form(
            &client,
            &decision_path,
            &[
                ("csrf_token", "forged"),
                ("decision", "x"),
                ("owner", "x"),
                ("due", "x"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    for path in ["/alerts/999999", "/alerts/abc", "/alerts/999999/decision"] {
        assert_eq!(
            app.get(&client, path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_iro_opens_a_challenge_from_an_alert_about_a_child_they_review() {
    let app = TestApp::start().await;
    let borough = app.borough();
    let store = app.store();
    // An open alert about a child with an allocated IRO.
    let (alert, iro) = store
        .open_alerts()
        .unwrap()
        .into_iter()
        .filter(|alert| borough.may_see(None, &alert.child))
        .find_map(|alert| {
            let iro = borough.trackers.get(&alert.child)?.allocated_on(
                permanence_domain::tracker::AllocationRole::Iro,
                borough.as_of,
            )?;
            Some((alert.clone(), iro.person.clone()))
        })
        .expect("an alert about a child with an IRO");
    app.set_staff_id("iro", Some(&iro));
    let client = app.signed_in(Role::Iro).await;
    let (_, page) = app.get(&client, &format!("/alerts/{}", alert.id)).await;
    let link = format!(
        "/children/{}/records/iro_challenges/new?IRO={}",
        alert.child,
        encode(&iro)
    );
    assert!(page.contains(&link), "{page}");
    let start = page.find(&link).unwrap();
    let href = page[start..page[start..].find('"').unwrap() + start].replace("&amp;", "&");
    let (status, form) = app.get(&client, &href).await;
    assert_eq!(status, StatusCode::OK, "{href}");
    assert!(form.contains("drift_and_delay"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_escalated_alert_is_on_the_home_page_of_the_manager_it_reached() {
    let app = TestApp::start().await;
    let borough = app.borough();
    let open = app.store().open_alerts().unwrap();
    let escalated = open
        .iter()
        .find(|a| {
            a.escalated_to_role != a.owner_role
                && a.escalated_to.is_some()
                && a.escalated_to != a.owner
                && borough.may_see(None, &a.child)
        })
        .expect("the synthetic borough has an escalated alert");
    let manager = escalated.escalated_to.clone().unwrap();
    app.set_staff_id("team_manager", Some(&manager));
    let client = app.signed_in(Role::TeamManager).await;
    let (_, home) = app.get(&client, "/?all=yes").await;
    let section =
        &home[home.find(r#"id="escalated""#).unwrap()..home.find(r#"id="my-alerts""#).unwrap()];
    assert!(
        section.contains(&format!(r#"href="/alerts/{}""#, escalated.id)),
        "{section}"
    );
    // Every alert escalated to the manager and no other is in that section, and the
    // count says how many.
    let theirs: Vec<_> = open
        .iter()
        .filter(|a| {
            a.escalated_to.as_deref() == Some(manager.as_str())
                && a.owner.as_deref() != Some(manager.as_str())
                && borough.may_see(Some(&manager), &a.child)
        })
        .collect();
    assert_eq!(section.matches(r#"href="/alerts/"#).count(), theirs.len());
    assert!(home.contains(&format!(
        r#"<span class="app-counts__number">{}</span> alerts escalated to you"#,
        theirs.len()
    )));
    // Its trail says so.
    let (_, page) = app.get(&client, &format!("/alerts/{}", escalated.id)).await;
    assert!(page.contains("Escalated to"), "{page}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alert_closes_itself_when_the_work_is_recorded_and_stays_in_the_childs_history() {
    let app = TestApp::start().await;
    let borough = app.borough();
    // A decision overdue (SUP-02) about a child whose record is open to all.
    let alert = app
        .store()
        .open_alerts()
        .unwrap()
        .into_iter()
        .find(|a| a.rule == "SUP-02" && a.subject.is_some() && borough.may_see(None, &a.child))
        .expect("the synthetic borough has an overdue decision");
    let decision = app
        .store()
        .current_tracker_records()
        .unwrap()
        .into_iter()
        .find(|r| {
            r.kind == permanence_tracker::Kind::Decision
                && Some(r.field("ID")) == alert.subject.as_deref()
        })
        .unwrap();
    // The head of service records that it was carried out today.
    let client = app.signed_in(Role::HeadOfService).await;
    let edit = format!(
        "/children/{}/records/decisions/{}/edit",
        alert.child,
        encode(&decision.key())
    );
    let (status, page) = app.get(&client, &edit).await;
    assert_eq!(status, StatusCode::OK, "{edit}");
    let token = hidden_token(&page);
    let base = hidden_value(&page, "base");
    let today = format_dmy(today());
    let mut pairs: Vec<(&str, &str)> = decision
        .template()
        .columns
        .iter()
        .map(|c| {
            (
                c.name,
                if c.name == "COMPLETED" {
                    today.as_str()
                } else {
                    decision.field(c.name)
                },
            )
        })
        .collect();
    pairs.extend([
        ("csrf_token", token.as_str()),
        ("base", base.as_str()),
        ("reason", "Carried out at today's visit"),
    ]);
    let response = app.post_form(&client, &edit, &pairs).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    // The change re-evaluated the borough: the alert closed, with the day in its trail.
    let closed = app.store().alert(alert.id).unwrap().unwrap();
    assert_eq!(closed.closed_on, Some(permanence_web::borough::today()));
    let trail = app.store().alert_events(alert.id).unwrap();
    assert_eq!(trail.last().unwrap().kind, "closed");
    // The child's page lists it among the closed alerts, linking to its trail.
    let (_, page) = app
        .get(&client, &format!("/children/{}", alert.child))
        .await;
    let closed_section = &page[page.find("Closed alerts").unwrap()..];
    assert!(closed_section.contains(&format!(r#"href="/alerts/{}""#, alert.id)));
    let (_, page) = app.get(&client, &format!("/alerts/{}", alert.id)).await;
    assert!(page.contains("Closed: the rule no longer fires"));
}
