//! Adding and correcting tracker records by hand: forms generated from the templates,
//! checked by the tracker's own reading and reference checks, versions and history,
//! two editors, who may change what, and refused requests.

use permanence_domain::date::format_dmy;
use permanence_domain::tracker::AllocationRole;
use permanence_tracker::{Kind, RawRecord};

use crate::common::*;

/// Children and staff ids for testing who may change what: the social worker's own
/// child (with an IRO), a child out of reach of the worker, their manager and that
/// IRO, and the worker's line manager.
struct Cast {
    own: String,
    /// A child with an IRO (the own child, when it has one).
    iro_child: String,
    other: String,
    manager: String,
    iro: String,
}

fn allocated(borough: &Borough, child: &str) -> Vec<String> {
    borough
        .trackers
        .get(child)
        .map(|tracker| {
            AllocationRole::ALL
                .iter()
                .filter_map(|role| tracker.allocated_on(*role, borough.as_of))
                .map(|a| a.person.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Finds a child with a social worker and an IRO, links the social worker's account to
/// that worker, the team manager's to the worker's line manager and the IRO's to the
/// child's IRO, and finds a child out of the worker's, the manager's and the IRO's reach.
fn cast(app: &TestApp) -> Cast {
    let borough = app.borough();
    let organisation = &borough.organisation;
    let iro_of = |child: &str| {
        borough.trackers.get(child).and_then(|t| {
            t.allocated_on(AllocationRole::Iro, borough.as_of)
                .map(|a| a.person.clone())
        })
    };
    let social_worker_of = |child: &str| {
        borough.trackers.get(child).and_then(|t| {
            t.allocated_on(AllocationRole::SocialWorker, borough.as_of)
                .map(|a| a.person.clone())
        })
    };
    // A child with a social worker (who has a team and a manager) and an IRO.
    let (own, worker, iro) = borough
        .rows
        .iter()
        .filter_map(|row| {
            let worker = social_worker_of(&row.child)?;
            let person = organisation.person(&worker)?;
            person.team.as_ref()?;
            organisation.management_line(&worker).first()?;
            Some((row.child.clone(), worker, iro_of(&row.child)?))
        })
        .next()
        .expect("a child with a social worker and an IRO");
    let iro_child = own.clone();
    let team = organisation
        .person(&worker)
        .and_then(|p| p.team.clone())
        .unwrap();
    let manager = organisation.management_line(&worker)[0].id.clone();
    let worker = worker.as_str();
    let reaches = |person: &str| {
        person == worker
            || person == manager
            || organisation
                .person(person)
                .is_some_and(|p| p.team.as_deref() == Some(team.as_str()))
            || organisation
                .management_line(person)
                .iter()
                .any(|p| p.id == manager)
    };
    let other = borough
        .rows
        .iter()
        .map(|row| row.child.clone())
        .find(|child| {
            let workers = allocated(&borough, child);
            !workers.is_empty()
                && !workers.iter().any(|p| reaches(p))
                && iro_of(child).as_deref() != Some(iro.as_str())
        })
        .expect("a child out of the worker's reach");
    app.set_staff_id("social_worker", Some(worker));
    app.set_staff_id("team_manager", Some(&manager));
    app.set_staff_id("iro", Some(&iro));
    Cast {
        own,
        iro_child,
        other,
        manager,
        iro,
    }
}

fn records_of(app: &TestApp, kind: Kind, child: &str) -> Vec<RawRecord> {
    app.store()
        .current_tracker_records()
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == kind && r.child() == Some(child))
        .collect()
}

/// Every value of a record as form pairs, with some replaced.
fn pairs_of<'a>(record: &'a RawRecord, replace: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    record
        .template()
        .columns
        .iter()
        .map(|c| {
            let value = replace
                .iter()
                .find(|(name, _)| *name == c.name)
                .map_or(record.field(c.name), |(_, value)| value);
            (c.name, value)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_with_mistakes_is_sent_back_with_them_then_saved_listed_versioned_and_audited() {
    let app = TestApp::start().await;
    let cast = cast(&app);
    let client = app.signed_in(Role::SocialWorker).await;
    let child = cast.own.as_str();
    let (status, page) = app
        .get(
            &client,
            &format!("/children/{child}/records/permanence_plans/new"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(page.contains(r#"<label class="app-label" for="DECIDED">"#));
    assert!(page.contains("For example, 27/03/2025"));
    let token = hidden_token(&page);
    let path = format!("/children/{child}/records/permanence_plans");

    let response = app
        .post_form(
            &client,
            &path,
            &[
                ("csrf_token", &token),
                ("base", ""),
                ("DECIDED", "31/02/2025"),
                ("FORUM", ""),
                ("PRIMARY", "adoption"),
                ("PARALLEL", "special_guardianship"),
                ("TARGET", "not a date either"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    assert!(page.contains("<title>Error: "));
    assert!(page.contains(
        r##"<a href="#DECIDED">Decided must be a real date, for example 27/03/2025</a>"##
    ));
    assert!(page.contains(r##"<a href="#FORUM">Select where it was decided</a>"##));
    assert!(page.contains(r#"id="DECIDED-error""#), "beside the field");
    assert!(page.contains(r#"aria-describedby="DECIDED-hint DECIDED-error""#));
    assert!(!page.contains("line 0") && !page.contains(".csv"), "{page}");
    // What was typed is kept.
    assert!(page.contains(r#"value="31/02/2025""#));
    assert!(page.contains(r#"value="not a date either""#));
    assert_eq!(
        page.matches(r#"<option value="adoption" selected>"#)
            .count(),
        1
    );
    assert!(page.contains(r#"value="special_guardianship" checked"#));

    // Put right (a date as yyyy-mm-dd is accepted), it is saved.
    let day = app.free_plan_day(child);
    let response = app
        .post_form(
            &client,
            &path,
            &[
                ("csrf_token", &token),
                ("base", ""),
                ("DECIDED", &day.to_string()),
                ("FORUM", "review"),
                ("PRIMARY", "adoption"),
                ("PARALLEL", "special_guardianship"),
                ("PARALLEL", "connected_carers"),
                ("TARGET", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response).to_string();
    assert!(
        to.starts_with(&format!("/children/{child}/records?saved=permanence_plans")),
        "{to}"
    );
    let (status, page) = app.get(&client, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("app-notification-banner--success"));
    assert!(page.contains(&format!(
        "Permanence plans saved: Decided {}",
        format_dmy(day)
    )));
    assert!(page.contains(&format_dmy(day)));

    let plan = records_of(&app, Kind::PermanencePlan, child)
        .into_iter()
        .find(|r| r.field("DECIDED") == format_dmy(day))
        .expect("the plan is stored");
    assert_eq!(
        plan.field("PARALLEL"),
        "special_guardianship;connected_carers"
    );
    let versions = app
        .store()
        .tracker_record_versions(Kind::PermanencePlan, &plan.key())
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].recorded_by, "social_worker");
    assert_eq!(versions[0].reason, "Recorded in the web application");
    let log = app.store().audit_log(Some(child)).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "add_record" && e.detail.contains("permanence_plans")),
        "{log:?}"
    );
    assert!(log.iter().any(|e| e.action == "view_child_records"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_needs_a_reason_and_keeps_the_old_version_in_the_history() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::HeadOfService).await;
    let plan = records_of(&app, Kind::PermanencePlan, &app.child)
        .into_iter()
        .next()
        .or_else(|| {
            app.store()
                .current_tracker_records()
                .unwrap()
                .into_iter()
                .find(|r| r.kind == Kind::PermanencePlan)
        })
        .expect("a stored plan");
    let child = plan.child().unwrap().to_string();
    let key = encode(&plan.key());
    let edit = format!("/children/{child}/records/permanence_plans/{key}/edit");
    let (status, page) = app.get(&client, &edit).await;
    assert_eq!(status, StatusCode::OK, "{edit}");
    assert!(page.contains("Why are you changing this record?"));
    // The key is shown, not editable.
    assert!(!page.contains(r#"name="DECIDED""#));
    let token = hidden_token(&page);
    let base = hidden_value(&page, "base");
    assert!(!base.is_empty());
    let primary = if plan.field("PRIMARY") == "long_term_fostering" {
        "residential"
    } else {
        "long_term_fostering"
    };
    let mut pairs = pairs_of(&plan, &[("PRIMARY", primary), ("CONTINGENCY", "")]);
    pairs.retain(|(name, _)| *name != "PARALLEL");
    pairs.extend([("csrf_token", token.as_str()), ("base", base.as_str())]);

    // Without a reason: sent back, the change kept.
    let response = app.post_form(&client, &edit, &pairs).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains(r##"<a href="#reason">Enter why you are changing this record</a>"##));
    assert!(page.contains(&format!(r#"<option value="{primary}" selected>"#)));

    pairs.push(("reason", "The review changed the plan"));
    let response = app.post_form(&client, &edit, &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let versions = app
        .store()
        .tracker_record_versions(Kind::PermanencePlan, &plan.key())
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].record, plan);
    assert_eq!(versions[1].record.field("PRIMARY"), primary);
    assert_eq!(versions[1].reason, "The review changed the plan");
    assert_eq!(versions[0].superseded_by, Some(versions[1].id));

    let (status, page) = app
        .get(
            &client,
            &format!("/children/{child}/records/permanence_plans/{key}/history"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(page.contains("Version 2"));
    assert!(page.contains("Version 1"));
    assert!(page.contains("The review changed the plan"));
    assert!(page.contains("synthetic"), "the import's reason");
    assert!(page.contains("Current") && page.contains("Replaced"));
    assert!(page.contains("Changed"));
    let log = app.store().audit_log(Some(&child)).unwrap();
    assert!(log.iter().any(|e| e.action == "change_record"));
    assert!(log.iter().any(|e| e.action == "view_record_history"));

    // Sending the same values again changes nothing.
    let (_, page) = app.get(&client, &edit).await;
    let base = hidden_value(&page, "base");
    let mut same = pairs_of(&versions[1].record, &[]);
    same.retain(|(name, _)| *name != "PARALLEL");
    for parallel in versions[1].record.field("PARALLEL").split(';') {
        same.push(("PARALLEL", parallel));
    }
    same.extend([
        ("csrf_token", token.as_str()),
        ("base", base.as_str()),
        ("reason", "no change"),
    ]);
    let response = app.post_form(&client, &edit, &same).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You have not changed anything")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_second_of_two_editors_is_shown_the_first_ones_change_and_can_save_over_it() {
    let app = TestApp::start().await;
    let first = app.signed_in(Role::HeadOfService).await;
    let second = app.signed_in(Role::ServiceManager).await;
    let decision = app
        .store()
        .current_tracker_records()
        .unwrap()
        .into_iter()
        .find(|r| r.kind == Kind::Decision && r.child().is_some())
        .expect("a stored decision about a child");
    let child = decision.child().unwrap().to_string();
    let edit = format!(
        "/children/{child}/records/decisions/{}/edit",
        encode(&decision.key())
    );
    let (_, page_one) = app.get(&first, &edit).await;
    let (_, page_two) = app.get(&second, &edit).await;
    let base = hidden_value(&page_one, "base");
    assert_eq!(base, hidden_value(&page_two, "base"));

    let token = hidden_token(&page_one);
    let mut pairs = pairs_of(&decision, &[("DECISION", "First editor's decision text")]);
    pairs.extend([
        ("csrf_token", token.as_str()),
        ("base", base.as_str()),
        ("reason", "first"),
    ]);
    let response = app.post_form(&first, &edit, &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let token = hidden_token(&page_two);
    let mut pairs = pairs_of(&decision, &[("DECISION", "Second editor's decision text")]);
    pairs.extend([
        ("csrf_token", token.as_str()),
        ("base", base.as_str()),
        ("reason", "second"),
    ]);
    let response = app.post_form(&second, &edit, &pairs).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    assert!(page.contains(r##"<a href="#DECISION">Someone else changed this record"##));
    assert!(
        page.contains("Second editor&#39;s decision text")
            || page.contains("Second editor&#x27;s decision text"),
        "their input is kept"
    );
    assert!(page.contains("Their saved value:"));
    assert!(page.contains("First editor"), "the other's value is shown");
    assert!(page.contains("head_of_service saved a change"));
    let new_base = hidden_value(&page, "base");
    assert_ne!(new_base, base);
    // Nothing of the second editor's was stored.
    let versions = app
        .store()
        .tracker_record_versions(Kind::Decision, &decision.key())
        .unwrap();
    assert_eq!(versions.len(), 2);

    // Saving again, on the version now current, replaces it deliberately.
    let mut pairs = pairs_of(&decision, &[("DECISION", "Second editor's decision text")]);
    pairs.extend([
        ("csrf_token", token.as_str()),
        ("base", new_base.as_str()),
        ("reason", "second"),
    ]);
    let response = app.post_form(&second, &edit, &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let versions = app
        .store()
        .tracker_record_versions(Kind::Decision, &decision.key())
        .unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(
        versions[2].record.field("DECISION"),
        "Second editor's decision text"
    );
    assert_eq!(versions[2].recorded_by, "service_manager");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_record_whose_id_or_key_is_taken_is_refused_on_that_field() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::HeadOfService).await;
    let stored = app.store().current_tracker_records().unwrap();
    let decision = stored
        .iter()
        .find(|r| r.kind == Kind::Decision && r.child().is_some())
        .unwrap();
    let child = decision.child().unwrap();
    let (_, page) = app
        .get(&client, &format!("/children/{child}/records/decisions/new"))
        .await;
    let token = hidden_token(&page);
    let mut pairs = pairs_of(decision, &[("DECISION", "Another decision")]);
    pairs.extend([("csrf_token", token.as_str()), ("base", "")]);
    let response = app
        .post_form(
            &client,
            &format!("/children/{child}/records/decisions"),
            &pairs,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!(
        r##"<a href="#ID">There is already a record with the ID {}"##,
        decision.field("ID")
    )));
    assert!(page.contains(r#"id="ID-error""#));

    // A plan on a day the child already has one: refused on the day.
    let plan = stored
        .iter()
        .find(|r| r.kind == Kind::PermanencePlan)
        .unwrap();
    let child = plan.child().unwrap();
    let mut pairs = pairs_of(plan, &[]);
    pairs.retain(|(name, _)| *name != "PARALLEL");
    pairs.extend([("csrf_token", token.as_str()), ("base", "")]);
    let response = app
        .post_form(
            &client,
            &format!("/children/{child}/records/permanence_plans"),
            &pairs,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r##"<a href="#DECIDED">There is already a record with Decided"##),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_form_is_pre_filled_from_the_query_string_with_a_fresh_id() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::TeamManager).await;
    let cast = cast(&app);
    let (status, page) = app
        .get(
            &client,
            &format!(
                "/children/{}/records/decisions/new?SOURCE=alert&SOURCE_REF=REV-01&DUE=2030-12-01&CHILD=SOMEONE-ELSE&NOT_A_COLUMN=x",
                cast.own
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<option value="alert" selected>"#));
    assert!(page.contains(r#"value="REV-01""#));
    assert!(
        page.contains(r#"value="01/12/2030""#),
        "dates as dd/mm/yyyy"
    );
    assert!(!page.contains("SOMEONE-ELSE"), "the child is the path's");
    assert!(page.contains(&cast.own));
    let day = today().strftime("%Y%m%d").to_string();
    assert!(
        page.contains(&format!(r#"value="DEC-{day}-"#)),
        "a fresh id is suggested"
    );
    // The manager's own staff id is a choice of owner, with their name.
    assert!(page.contains(&format!(r#"<option value="{}">"#, cast.manager)));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_child_of_the_path_wins_and_oversized_or_forged_forms_are_refused() {
    let app = TestApp::start().await;
    let cast = cast(&app);
    let client = app.signed_in(Role::HeadOfService).await;
    let (_, page) = app
        .get(
            &client,
            &format!("/children/{}/records/activities/new", cast.own),
        )
        .await;
    let token = hidden_token(&page);
    let path = format!("/children/{}/records/activities", cast.own);
    let day = format_dmy(today());
    let pairs = [
        ("csrf_token", token.as_str()),
        ("base", ""),
        ("CHILD", cast.other.as_str()),
        ("KIND", "visit"),
        ("DATE", day.as_str()),
        ("SEEN_ALONE", "Y"),
        ("SOMETHING_ELSE", "ignored"),
    ];
    // A forged token: refused, nothing stored.
    let mut forged = pairs;
    forged[0] = ("csrf_token", "forged");
    let before = app.store().current_tracker_records().unwrap().len();
    let response = app.post_form(&client, &path, &forged).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store().current_tracker_records().unwrap().len(), before);

    let others_before = records_of(&app, Kind::Activity, &cast.other).len();
    let response = app.post_form(&client, &path, &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        records_of(&app, Kind::Activity, &cast.own)
            .iter()
            .any(|r| r.field("DATE") == day && r.field("SEEN_ALONE") == "Y")
    );
    assert_eq!(
        records_of(&app, Kind::Activity, &cast.other).len(),
        others_before,
        "nothing for the child the form named"
    );

    // Too big: a clean 413, an error page like the others with the security headers.
    let big = "x".repeat(70 * 1024);
    let response = client
        .post(app.url(&path))
        .form(&[("csrf_token", token.as_str()), ("OUTCOME", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.headers().contains_key("content-security-policy"));
    let page = response.text().await.unwrap();
    assert!(page.contains("What you sent is too large"), "{page}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_kinds_children_and_keys_are_not_found() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::HeadOfService).await;
    let child = app.child.clone();
    for path in [
        format!("/children/{child}/records/no_such_kind/new"),
        // Organisation kinds are not a child's, and a child's kinds not the organisation's.
        format!("/children/{child}/records/people/new"),
        "/records/permanence_plans/new".to_string(),
        "/records/no_such_kind".to_string(),
        "/children/NO-SUCH-CHILD/records".to_string(),
        "/children/NO-SUCH-CHILD/records/permanence_plans/new".to_string(),
        format!("/children/{child}/records/permanence_plans/no-such-key/edit"),
        format!("/children/{child}/records/permanence_plans/no-such-key/history"),
        "/records/people/NOBODY/history".to_string(),
    ] {
        let (status, _) = app.get(&client, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Those who may not change a kind are refused before anything is looked up.
    let (status, _) = app.get(&client, "/records/people/NOBODY/edit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.signed_in(Role::Administrator).await;
    let (status, _) = app.get(&admin, "/records/people/NOBODY/edit").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Another child's record under this child's path is not found either.
    let plan = app
        .store()
        .current_tracker_records()
        .unwrap()
        .into_iter()
        .find(|r| r.kind == Kind::PermanencePlan && r.child() != Some(child.as_str()))
        .unwrap();
    let (status, _) = app
        .get(
            &client,
            &format!(
                "/children/{child}/records/permanence_plans/{}/edit",
                encode(&plan.key())
            ),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = app.get(&client, "/records").await;
    let token = hidden_token(&page);
    let response = app
        .post_form(
            &client,
            "/children/NO-SUCH-CHILD/records/permanence_plans",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_keeps_the_reference_data_but_never_a_childs_record() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::Administrator).await;
    let (status, page) = app.get(&client, "/records").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"href="/records/teams""#));
    assert!(!page.contains(r#"href="/records/supervision_sessions""#));
    let (status, page) = app.get(&client, "/records/teams/new").await;
    assert_eq!(status, StatusCode::OK);
    let token = hidden_token(&page);
    let id = hidden_or_input_value(&page, "ID");
    assert!(id.starts_with("TEAM-"), "{id}");
    let response = app
        .post_form(
            &client,
            "/records/teams",
            &[
                ("csrf_token", token.as_str()),
                ("base", ""),
                ("ID", id.as_str()),
                ("NAME", "Children in Care 9"),
                ("SERVICE", ""),
                ("MANAGER", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response).to_string();
    assert!(to.starts_with("/records/teams?saved=teams"), "{to}");
    let (_, page) = app.get(&client, &to).await;
    assert!(page.contains("Children in Care 9"));
    assert!(page.contains("Teams saved"));
    let (status, _) = app
        .get(&client, &format!("/children/{}/records", app.child))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&client, "/records/supervision_sessions").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The value of a text input, by id.
fn hidden_or_input_value(page: &str, id: &str) -> String {
    let marker = format!(r#"id="{id}" name="{id}" type="text" value=""#);
    let start = page.find(&marker).expect("the input") + marker.len();
    let end = page[start..].find('"').unwrap();
    page[start..start + end].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_record_route_answers_each_role_by_the_access_table() {
    let app = TestApp::start().await;
    let cast = cast(&app);
    let own = cast.own.as_str();
    let other = cast.other.as_str();
    let iro_child = cast.iro_child.as_str();
    let plan = records_of(&app, Kind::PermanencePlan, own)
        .into_iter()
        .next()
        .map(|r| encode(&r.key()));
    use Role::*;
    // (path, roles that may open it); everyone else is refused with 403.
    let readers: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| *r != Administrator)
        .collect();
    let mut table: Vec<(String, Vec<Role>)> = vec![
        (format!("/children/{own}/records"), readers.clone()),
        (
            format!("/children/{own}/records/permanence_plans/new"),
            vec![SocialWorker, TeamManager, ServiceManager, HeadOfService],
        ),
        (
            format!("/children/{other}/records/permanence_plans/new"),
            vec![ServiceManager, HeadOfService],
        ),
        (
            format!("/children/{own}/records/decisions/new"),
            vec![TeamManager, ServiceManager, HeadOfService],
        ),
        (
            format!("/children/{own}/records/allocations/new"),
            vec![TeamManager, ServiceManager, HeadOfService],
        ),
        (
            format!("/children/{iro_child}/records/iro_challenges/new"),
            vec![Iro, IroManager],
        ),
        (
            format!("/children/{other}/records/iro_challenges/new"),
            vec![IroManager],
        ),
        (
            format!("/children/{own}/records/family_finding/new"),
            vec![
                SocialWorker,
                TeamManager,
                ServiceManager,
                HeadOfService,
                FosteringAdoptionWorker,
            ],
        ),
        (
            format!("/children/{own}/records/panel_decisions/new"),
            vec![
                TeamManager,
                ServiceManager,
                HeadOfService,
                FosteringAdoptionWorker,
            ],
        ),
        ("/records".to_string(), Role::ALL.to_vec()),
        ("/records/people".to_string(), Role::ALL.to_vec()),
        ("/records/people/new".to_string(), vec![Administrator]),
        ("/records/supervision_sessions".to_string(), readers.clone()),
        (
            "/records/supervision_sessions/new".to_string(),
            vec![TeamManager, ServiceManager, HeadOfService],
        ),
        (
            "/records/iro_challenge_steps/new".to_string(),
            vec![Iro, IroManager],
        ),
        (
            "/records/hearings/new".to_string(),
            vec![TeamManager, ServiceManager, HeadOfService],
        ),
    ];
    if let Some(key) = &plan {
        table.push((
            format!("/children/{own}/records/permanence_plans/{key}/edit"),
            vec![SocialWorker, TeamManager, ServiceManager, HeadOfService],
        ));
        table.push((
            format!("/children/{own}/records/permanence_plans/{key}/history"),
            readers.clone(),
        ));
    }
    let person = app.worker_staff_id.clone();
    table.push((
        format!("/records/people/{person}/edit"),
        vec![Administrator],
    ));
    table.push((
        format!("/records/people/{person}/history"),
        Role::ALL.to_vec(),
    ));

    for role in Role::ALL {
        let client = app.signed_in(*role).await;
        for (path, allowed) in &table {
            let (status, page) = app.get(&client, path).await;
            let expected = if allowed.contains(role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{role:?} {path}");
            if status == StatusCode::OK {
                assert_eq!(page.matches("<h1").count(), 1, "{role:?} {path}");
            }
        }
        // Only the links the role may use are shown.
        if readers.contains(role) {
            let (_, page) = app.get(&client, &format!("/children/{own}/records")).await;
            let may_add_plan = matches!(
                role,
                SocialWorker | TeamManager | ServiceManager | HeadOfService
            );
            assert_eq!(
                page.contains(&format!(
                    r#"href="/children/{own}/records/permanence_plans/new""#
                )),
                may_add_plan,
                "{role:?}"
            );
            if let Some(key) = &plan {
                assert_eq!(
                    page.contains(&format!("/records/permanence_plans/{key}/edit")),
                    may_add_plan,
                    "{role:?}"
                );
                assert!(page.contains(&format!("/records/permanence_plans/{key}/history")));
            }
            if *role == PerformanceAnalyst {
                assert!(!page.contains("/new\""), "read only");
            }
        }
        // Posting is refused as opening the form is, with a good token.
        let (_, page) = app.get(&client, "/records").await;
        let token = hidden_token(&page);
        for (path, allowed) in [
            (
                format!("/children/{own}/records/permanence_plans"),
                vec![SocialWorker, TeamManager, ServiceManager, HeadOfService],
            ),
            (
                format!("/children/{other}/records/permanence_plans"),
                vec![ServiceManager, HeadOfService],
            ),
            ("/records/people".to_string(), vec![Administrator]),
        ] {
            if allowed.contains(role) {
                continue;
            }
            let response = app
                .post_form(
                    &client,
                    &path,
                    &[
                        ("csrf_token", token.as_str()),
                        ("base", ""),
                        ("DECIDED", "01/01/2020"),
                        ("FORUM", "review"),
                        ("PRIMARY", "adoption"),
                        ("ID", "NEW1"),
                        ("NAME", "New Person"),
                        ("ROLE", "social_worker"),
                    ],
                )
                .await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    // An IRO's reach is their own children: a challenge is recorded for the own child.
    let client = app.signed_in(Iro).await;
    let (_, page) = app
        .get(
            &client,
            &format!("/children/{own}/records/iro_challenges/new"),
        )
        .await;
    let token = hidden_token(&page);
    let id = hidden_or_input_value(&page, "ID");
    let day = format_dmy(today());
    let response = app
        .post_form(
            &client,
            &format!("/children/{iro_child}/records/iro_challenges"),
            &[
                ("csrf_token", token.as_str()),
                ("base", ""),
                ("ID", id.as_str()),
                ("IRO", cast.iro.as_str()),
                ("RAISED", day.as_str()),
                ("CATEGORY", "drift_and_delay"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restricted_childs_records_answer_not_found_to_staff_not_named() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::HeadOfService).await;
    let details = app
        .store()
        .current_tracker_records()
        .unwrap()
        .into_iter()
        .find(|r| r.kind == Kind::ChildDetails && r.field("RESTRICTED_TO").is_empty())
        .expect("a child's details");
    let child = details.child().unwrap().to_string();
    let edit = format!(
        "/children/{child}/records/child_details/{}/edit",
        encode(&details.key())
    );
    let (status, page) = app.get(&client, &edit).await;
    assert_eq!(status, StatusCode::OK);
    let token = hidden_token(&page);
    let base = hidden_value(&page, "base");
    let mut pairs = pairs_of(
        &details,
        &[
            ("RESTRICTED_TO", app.worker_staff_id.as_str()),
            ("RESTRICTION_REASON", "A relative works in the service"),
        ],
    );
    pairs.extend([
        ("csrf_token", token.as_str()),
        ("base", base.as_str()),
        ("reason", "Restricted at the family's request"),
    ]);
    let response = app.post_form(&client, &edit, &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The head of service is not named: the child's records are not found for them.
    for path in [
        format!("/children/{child}/records"),
        format!("/children/{child}/records/permanence_plans/new"),
        edit.clone(),
    ] {
        let (status, _) = app.get(&client, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}
