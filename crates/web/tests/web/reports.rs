//! The Reports pages: who may open them, the report with every figure linking to its
//! children (restricted records counted but not named), the report file and the CSV
//! downloads, and the figures matching the report the command line makes.

use permanence_reports::{Period, Records};

use crate::common::*;

/// This month's report and last month's, as addresses.
fn periods() -> (Period, Period) {
    let this = Period::month_of(today());
    (this, this.previous())
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_are_for_managers_analysts_and_iros_only() {
    let app = TestApp::start().await;
    let (_, last) = periods();
    let report = format!("/reports/monthly/{last}");
    let paths = [
        "/reports".to_string(),
        report.clone(),
        format!("{report}/report.html"),
        format!("{report}/headlines.csv"),
        format!("{report}/stability_indicators.csv"),
        format!("{report}/children?headline=looked_after_at_period_end"),
        format!("{report}/children.csv?headline=looked_after_at_period_end"),
    ];
    for role in Role::ALL {
        let client = app.signed_in(*role).await;
        let allowed = matches!(
            role,
            Role::TeamManager
                | Role::ServiceManager
                | Role::HeadOfService
                | Role::PerformanceAnalyst
                | Role::Iro
                | Role::IroManager
        );
        for path in &paths {
            let (status, page) = app.get(&client, path).await;
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{role:?} {path}");
            if !allowed {
                assert!(
                    !page.contains("Children looked after at the end"),
                    "{role:?} {path}"
                );
            }
        }
        let (_, home) = app.get(&client, "/").await;
        assert_eq!(
            home.contains(r#"href="/reports""#),
            allowed,
            "{role:?} navigation"
        );
    }
    // Signed out: to the login page.
    let response = TestApp::client()
        .get(app.url(&report))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_page_links_each_figure_to_its_children() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::HeadOfService).await;
    let (_, last) = periods();
    let address = format!("/reports/monthly/{last}");
    let (status, page) = app.get(&client, &address).await;
    assert_eq!(status, StatusCode::OK);
    for section in [
        "1. Headlines",
        "2. Permanence planning",
        "3. Stability",
        "4. Adoption",
        "5. Pre-proceedings and proceedings",
        "6. Oversight",
        "7. Life-story work",
        "8. Care leavers",
        "9. Trends",
    ] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains(r#"<link rel="stylesheet" href="/assets/report.css">"#));
    assert!(page.contains("<svg"), "charts are drawn");

    // The same report as the library makes it from the same database.
    let store = app.store();
    let records = Records::load(&store, last.start(), last.end()).unwrap();
    let report = permanence_reports::build(&records, last, today(), &Policy::default()).unwrap();
    let looked_after = report.headline("looked_after_at_period_end").unwrap();
    let expected: Vec<String> = looked_after.value.children.clone().unwrap();
    assert!(!expected.is_empty());

    // The figure links to its children; restricted records are counted, not named.
    let link = format!("{address}/children?table=headlines_summary&#38;row=0&#38;column=1");
    assert!(page.contains(&link), "the headline links to its children");
    let (status, children) = app.get(&client, &link.replace("&#38;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    let borough = app.borough();
    let mut listed = 0;
    for child in &expected {
        let shown = children.contains(&format!(r#"href="/children/{child}""#));
        assert_eq!(shown, borough.may_see(None, child), "{child}");
        listed += usize::from(shown);
    }
    let hidden = expected.len() - listed;
    if hidden > 0 {
        assert!(
            children.contains(&format!("{hidden} child")),
            "says how many are hidden"
        );
    }

    // A figure that is not there, or a period that is not a period: not found.
    for path in [
        format!("{address}/children?table=nothing&row=0&column=1"),
        format!("{address}/children?table=headlines_summary&row=99&column=1"),
        format!("{address}/nothing.csv"),
        "/reports/monthly/2026-13".to_string(),
        "/reports/weekly/2026-10".to_string(),
        "/reports/monthly/2999-01".to_string(),
    ] {
        assert_eq!(
            app.get(&client, &path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_downloads_match_the_report_and_are_audited() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::PerformanceAnalyst).await;
    let (this, last) = periods();
    let address = format!("/reports/monthly/{last}");
    let response = client
        .get(app.url(&format!("{address}/headlines.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("measure,value"));
    let measures: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    for measure in [
        "looked_after_at_period_end",
        "started_in_period",
        "ceased_in_period",
    ] {
        assert!(measures.contains(&measure), "{measure}");
    }
    let response = client
        .get(app.url(&format!("{address}/report.html")))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("monthly-report-{last}.html"))
    );
    let file = response.text().await.unwrap();
    assert!(
        file.contains("<style>") && !file.contains("/children?"),
        "self-contained"
    );
    let audit = app.store().audit_log(None).unwrap();
    let downloads = audit
        .iter()
        .filter(|e| e.action == "export_report" && e.actor == "performance_analyst")
        .count();
    assert_eq!(downloads, 2);

    // The month still running is reported so far.
    let (status, page) = app.get(&client, &format!("/reports/monthly/{this}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("the period is not over yet"));

    // Choosing a period: a good one goes to the report, a bad one is explained.
    let response = client
        .get(app.url(&format!(
            "/reports?kind=quarterly&period={}",
            Period::quarter_of(today())
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/reports/quarterly/"));
    let (status, page) = app
        .get(&client, "/reports?kind=monthly&period=October")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("There is a problem"));
    assert!(page.contains("Enter the month as a year and month, like 2026-10"));
    assert!(page.contains(r#"value="October""#), "keeps what was typed");
}
