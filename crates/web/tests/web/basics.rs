//! Sign-in errors, the home page, the children list, a child's page, the audit log and
//! error pages. Sessions, access by role, CSRF, headers and throttling are in
//! `security`.

use permanence_store::Alerts;

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_is_answered_with_the_error_summary_and_the_input_kept() {
    let app = TestApp::start().await;
    let client = TestApp::client();
    let response = app
        .try_login(&client, "social_worker", "not the password")
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    assert!(page.contains(r##"<a href="#username">Enter a correct username and password</a>"##));
    assert!(page.contains(r#"id="username-error""#));
    assert!(
        page.contains(r#"value="social_worker""#),
        "the username is kept"
    );
    assert!(
        !page.contains("not the password"),
        "the password is never echoed"
    );
    assert!(page.contains("<title>Error: Sign in"));
    assert_eq!(page.matches("<h1").count(), 1);

    // Empty fields: one error each, linked to its field.
    let token = app.login_token(&client).await;
    let page = client
        .post(app.url("/login"))
        .form(&[("username", ""), ("password", ""), ("csrf_token", &token)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r##"<a href="#username">Enter your username</a>"##));
    assert!(page.contains(r##"<a href="#password">Enter your password</a>"##));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_home_page_lists_the_workers_alerts_by_due_date() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::SocialWorker).await;
    let (status, page) = app.get(&client, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your open alerts"));
    assert!(page.contains(&app.worker_staff_id));
    assert!(page.contains(&format!(
        "/children?looked_after=all&amp;worker={}",
        app.worker_staff_id
    )));
    assert!(page.contains(r#"href="/children?looked_after=yes""#));
    // Due dates in order (dd/mm/yyyy in the fourth column) in the user's own alerts
    // (alerts escalated to the user are a table of their own above).
    let own = &page[page.find(r#"id="my-alerts""#).expect("own alerts")..];
    let dues: Vec<Date> = own
        .split("<tr class=\"app-table__row\">")
        .skip(2)
        .filter_map(|row| row.split("<td class=\"app-table__cell\">").nth(4))
        .filter_map(|cell| cell.split('<').next())
        .filter_map(|text| permanence_domain::date::parse_dmy(text).ok())
        .collect();
    assert!(!dues.is_empty());
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    // A manager without a staff id is told so.
    let client = app.signed_in(Role::TeamManager).await;
    let (_, page) = app.get(&client, "/").await;
    assert!(page.contains("not linked to a member of staff"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_children_list_filters_sorts_pages_and_downloads_what_it_shows() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::PerformanceAnalyst).await;
    let (status, page) = app.get(&client, "/children?looked_after=all").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Showing 1 to 50 of"));
    assert!(page.contains(r#"rel="next""#));
    let (_, second) = app.get(&client, "/children?looked_after=all&page=2").await;
    assert!(second.contains("Showing 51 to"));

    // Search by id.
    let (_, page) = app
        .get(
            &client,
            &format!("/children?looked_after=all&q={}", app.child),
        )
        .await;
    assert!(page.contains(&format!(r#"href="/children/{}""#, app.child)));
    assert!(page.contains("of 1 children") || page.contains("Showing 1 to "));

    // Looked after, in one placement type, sorted by age: the CSV has the same rows.
    let borough = Borough::load(&app.store(), &Policy::default(), today()).unwrap();
    let placement = borough
        .rows
        .iter()
        .filter(|r| r.looked_after)
        .find_map(|r| r.placement)
        .unwrap();
    let query = format!("looked_after=yes&placement={placement}&sort=age");
    let (_, page) = app.get(&client, &format!("/children?{query}")).await;
    let expected: Vec<&str> = {
        let mut rows: Vec<_> = borough
            .rows
            .iter()
            // Restricted records are invisible to the analyst, who has no staff id.
            .filter(|r| r.looked_after && r.placement == Some(placement) && r.visible_to(None))
            .collect();
        rows.sort_by(|a, b| a.age.cmp(&b.age).then(a.child.cmp(&b.child)));
        rows.iter().map(|r| r.child.as_str()).collect()
    };
    assert!(page.contains(&format!("of {} children", expected.len())));
    let response = client
        .get(app.url(&format!("/children.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Child,Looked after,Age,Legal status,Placement type,Days in care,Open alerts,Name,\
             Team,Social worker,IRO,Primary plan"
        )
    );
    let children: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(children, expected);
    for line in csv.lines().skip(1) {
        assert_eq!(line.split(',').nth(4), Some(placement));
    }
    // The download is in the audit log.
    let log = app.store().audit_log(None).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "export_children" && e.actor == "performance_analyst")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_childs_page_shows_the_record_and_every_view_is_audited() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::Iro).await;
    let (status, page) = app.get(&client, &format!("/children/{}", app.child)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<h1").count(), 1);
    for text in [
        "Summary on",
        "Age",
        "Permanence plan",
        "Open alerts",
        "Closed alerts",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let borough = Borough::load(&app.store(), &Policy::default(), today()).unwrap();
    let finding = borough.findings_for(&app.child).next().unwrap();
    assert!(page.contains(finding.rule));
    // Each open alert links to its trail.
    let alert = app
        .store()
        .child_alerts(&app.child)
        .unwrap()
        .into_iter()
        .find(|a| a.rule == finding.rule)
        .unwrap();
    assert!(page.contains(&format!(r#"href="/alerts/{}""#, alert.id)));
    let log = app.store().audit_log(Some(&app.child)).unwrap();
    let view = log.iter().find(|e| e.action == "view_child").unwrap();
    assert_eq!(view.actor, "iro");
    // Viewing again writes again.
    app.get(&client, &format!("/children/{}", app.child)).await;
    let views = app
        .store()
        .audit_log(Some(&app.child))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "view_child")
        .count();
    assert_eq!(views, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_pages_and_children_get_a_404_that_leaks_nothing() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::SocialWorker).await;
    for path in [
        "/children/NO-SUCH-CHILD",
        "/no/such/page",
        "/children/%3Cscript%3E",
    ] {
        let (status, page) = app.get(&client, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("Page not found"));
        assert!(!page.contains("NO-SUCH-CHILD") && !page.contains("<script>"));
        // Still signed in: the header keeps the navigation and signing out.
        assert!(
            page.contains(r#"href="/children""#) && page.contains("Sign out"),
            "{path}"
        );
    }
    // Signed out, the same page has no navigation.
    let (status, page) = app.get(&TestApp::client(), "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Sign out"));
    // No audit entry for a child that does not exist.
    assert!(
        app.store()
            .audit_log(Some("NO-SUCH-CHILD"))
            .unwrap()
            .is_empty()
    );
}

/// The children named in an audit CSV's rows, in order.
fn csv_children(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|line| line.split(',').nth(3).unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_filters_pages_downloads_and_audits_its_own_use() {
    let app = TestApp::start().await;
    // Views to find: 55 of one child by the IRO, and one of another by a worker.
    let iro = app.signed_in(Role::Iro).await;
    for _ in 0..55 {
        app.get(&iro, &format!("/children/{}", app.child)).await;
    }
    let other = Borough::load(&app.store(), &Policy::default(), today())
        .unwrap()
        .rows
        .iter()
        .filter(|r| r.visible_to(None))
        .map(|r| r.child.clone())
        .find(|c| *c != app.child)
        .unwrap();
    let worker = app.signed_in(Role::SocialWorker).await;
    app.get(&worker, &format!("/children/{other}")).await;
    let before = app.store().audit_log(None).unwrap().len();

    let client = app.signed_in(Role::HeadOfService).await;
    let (status, page) = app.get(&client, "/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(page.contains(&format!("Showing 1 to 50 of {before} entries")));
    assert!(page.contains(r#"rel="next""#));
    // Newest first: the worker's view comes before the IRO's.
    let worker_at = page.find(&format!(">{other}</a>")).unwrap();
    let iro_at = page.find(&format!(">{}</a>", app.child)).unwrap();
    assert!(worker_at < iro_at);
    let (_, second) = app.get(&client, "/audit?page=2").await;
    assert!(second.contains("Showing 51 to"));

    // By child: the 55 views (and the import's entry), over two pages; the CSV holds
    // exactly those.
    let about_child = app.store().audit_log(Some(&app.child)).unwrap().len();
    assert!(about_child > 55);
    let query = format!("child={}", app.child);
    let (_, page) = app.get(&client, &format!("/audit?{query}")).await;
    assert!(page.contains(&format!("Showing 1 to 50 of {about_child} entries")));
    assert!(page.contains(&format!(r#"href="/audit.csv?{query}""#)));
    let response = client
        .get(app.url(&format!("/audit.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    assert_eq!(
        csv.lines().next(),
        Some("When (UTC),Who,Action,Child,Detail")
    );
    assert_eq!(csv_children(&csv), vec![app.child.clone(); about_child]);

    // By actor (any case) and by days, in either form.
    let today = today();
    let dmy = permanence_domain::date::format_dmy(today);
    let (_, page) = app
        .get(
            &client,
            &format!("/audit?actor=SOCIAL_WORKER&from={today}&to={dmy}"),
        )
        .await;
    assert!(page.contains("Showing 1 to 1 of 1 entries"), "{page}");
    assert!(page.contains(&other));
    let csv = client
        .get(app.url("/audit.csv?actor=social_worker"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv_children(&csv), vec![other.clone()]);
    // Nothing before yesterday's end.
    let yesterday = today.yesterday().unwrap();
    let (_, page) = app.get(&client, &format!("/audit?to={yesterday}")).await;
    assert!(page.contains("No entries match."));

    // A bad date: the error summary, linked to the field, with what was typed kept.
    let (status, page) = app
        .get(&client, "/audit?child=C9&from=31%2F02%2F2025&to=soon")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("There is a problem"));
    assert!(page.contains("<title>Error: Audit log"));
    assert!(page.contains(r##"<a href="#from">The from date must be a real date"##));
    assert!(page.contains(r##"<a href="#to">The to date must be a real date"##));
    assert!(page.contains(r#"id="from-error""#));
    assert!(page.contains(r#"value="31/02/2025""#) && page.contains(r#"value="soon""#));
    assert!(page.contains(r#"value="C9""#));
    let (_, page) = app
        .get(&client, "/audit?from=2025-03-02&to=01/03/2025")
        .await;
    assert!(page.contains("The to date must be the same as or after the from date"));
    let response = client
        .get(app.url("/audit.csv?from=nonsense"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Its own use is audited, with no child.
    let log = app.store().audit_log(None).unwrap();
    let mine: Vec<_> = log
        .iter()
        .filter(|e| e.actor == "head_of_service")
        .collect();
    assert!(mine.iter().all(|e| e.child.is_none()));
    assert_eq!(mine.iter().filter(|e| e.action == "view_audit").count(), 5);
    assert_eq!(
        mine.iter().filter(|e| e.action == "export_audit").count(),
        2
    );
    // That nothing in the application changes it: `security`.
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_sees_the_audit_log_without_links_to_records() {
    let app = TestApp::start().await;
    let iro = app.signed_in(Role::Iro).await;
    app.get(&iro, &format!("/children/{}", app.child)).await;
    let client = app.signed_in(Role::Administrator).await;
    let (status, page) = app.get(&client, "/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&app.child));
    assert!(!page.contains(&format!(r#"href="/children/{}""#, app.child)));
    // A service manager, who reads records, gets the link.
    let client = app.signed_in(Role::ServiceManager).await;
    let (_, page) = app.get(&client, "/audit").await;
    assert!(page.contains(&format!(r#"href="/children/{}""#, app.child)));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_accessibility_statement_is_open_and_linked_from_every_page() {
    let app = TestApp::start().await;
    let client = TestApp::client();
    let (status, page) = app.get(&client, "/accessibility").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<h1").count(), 1);
    for text in [
        "WCAG",
        "2.2",
        "contact your system administrator",
        "Equality and Human Rights Commission",
        "Equality Advisory and Support Service",
        "have not been done yet",
        "Reflow",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let link = r#"href="/accessibility""#;
    for path in ["/login", "/no/such/page", "/accessibility"] {
        assert!(app.get(&client, path).await.1.contains(link), "{path}");
    }
    let client = app.signed_in(Role::SocialWorker).await;
    for path in [
        "/".to_string(),
        "/children".to_string(),
        format!("/children/{}", app.child),
        "/audit".to_string(),
        "/accessibility".to_string(),
    ] {
        let (_, page) = app.get(&client, &path).await;
        assert!(page.contains(link), "{path}");
    }
    // Signed in, the statement keeps the header's navigation.
    let (_, page) = app.get(&client, "/accessibility").await;
    assert!(page.contains("Sign out"));
}
