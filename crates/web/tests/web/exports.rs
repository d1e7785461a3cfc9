//! The exports page: who may open it and download (performance analysts and heads of
//! service; everyone else 403), the Annex A workbook parsed back with its sheets, the
//! de-identified export under the configured key (and the page's explanation without
//! one), and every download in the audit log.

use std::collections::BTreeSet;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::common::*;

const KEY: &str = "the council's secret pseudonym key for tests, 0123456789";

fn allowed(role: Role) -> bool {
    matches!(role, Role::PerformanceAnalyst | Role::HeadOfService)
}

/// Configures the key as an administrator would, in the file beside the database.
fn configure_key(app: &TestApp, key: &str) {
    std::fs::write(app.db.parent().unwrap().join("export.key"), key).unwrap();
}

async fn download(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (StatusCode, String, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    app.store()
        .audit_log(None)
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, e.detail))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn only_performance_analysts_and_heads_of_service_may_open_and_download_exports() {
    let app = TestApp::start().await;
    configure_key(&app, KEY);
    for role in Role::ALL {
        let client = app.signed_in(*role).await;
        let expected = if allowed(*role) {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        for path in [
            "/exports",
            "/exports/annex-a.xlsx",
            "/exports/deidentified/children.csv",
            "/exports/deidentified/manifest.json",
        ] {
            let (status, _, body) = download(&app, &client, path).await;
            assert_eq!(status, expected, "{role:?} {path}");
            if !allowed(*role) {
                let body = String::from_utf8_lossy(&body);
                assert!(!body.contains(&app.child), "a refusal shows no child");
            }
        }
        let (_, home) = app.get(&client, "/").await;
        assert_eq!(
            home.contains(r#"href="/exports""#),
            allowed(*role),
            "{role:?} navigation"
        );
    }
    // Only the allowed roles' downloads are in the audit log.
    let actors: BTreeSet<String> = audit_actions(&app)
        .into_iter()
        .filter(|(_, action, _)| {
            action.starts_with("export_annex_a") || action.starts_with("export_deidentified")
        })
        .map(|(actor, _, _)| actor)
        .collect();
    assert_eq!(
        actors,
        ["head_of_service", "performance_analyst"]
            .map(String::from)
            .into()
    );
    // Signed out: to the login page.
    let (status, _) = app.get(&TestApp::client(), "/exports").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_annex_a_workbook_downloads_parses_back_and_is_audited() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::PerformanceAnalyst).await;
    let (status, page) = app.get(&client, "/exports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1 class=\"app-heading-l\">Exports</h1>"));
    assert!(page.contains("Lists 1 to 7"), "{page}");
    let as_of = today();
    assert!(page.contains(&format!(
        r#"value="{}""#,
        permanence_domain::date::format_dmy(as_of)
    )));

    let (status, content_type, bytes) = download(&app, &client, "/exports/annex-a.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["Cover", "List 8", "List 9", "List 10"]
    );
    let list_8 = workbook.worksheet_range("List 8").unwrap();
    assert_eq!(
        list_8.get((0, 0)),
        Some(&Data::String("Child Unique ID".into()))
    );
    assert_eq!(list_8.width(), 34);
    let ids: BTreeSet<String> = list_8.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(ids.len() > 10, "{}", ids.len());
    // Every child, restricted records too: Annex A is a statutory return.
    let borough = app.borough();
    for (child, tracker) in &borough.trackers {
        let restricted = tracker.details.as_ref().is_some_and(|d| d.is_restricted());
        if restricted
            && borough
                .journey(child)
                .is_some_and(|j| j.looked_after_on(as_of))
        {
            assert!(ids.contains(child), "restricted {child} is on List 8");
        }
    }
    let audit = audit_actions(&app);
    let (actor, _, detail) = audit
        .iter()
        .find(|(_, action, _)| action == "export_annex_a")
        .expect("the download is audited");
    assert_eq!(actor, "performance_analyst");
    assert!(detail.starts_with("web: Annex A as at "), "{detail}");

    // A past date works; a wrong or future one comes back with the error beside the field.
    let (status, _, _) =
        download(&app, &client, "/exports/annex-a.xlsx?as_of=31%2F03%2F2025").await;
    assert_eq!(status, StatusCode::OK);
    for (query, message) in [
        ("31%2F02%2F2025", "The as-of date must be a real date"),
        (
            "01%2F01%2F2999",
            "The as-of date must be today or in the past",
        ),
    ] {
        let (status, page) = app
            .get(&client, &format!("/exports/annex-a.xlsx?as_of={query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("There is a problem"), "{page}");
        assert!(page.contains(message), "{page}");
        assert!(page.contains("<title>Error: Exports"), "{page}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deidentified_export_needs_the_configured_key_and_links_up_under_it() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::HeadOfService).await;
    // No key: the page says what an administrator must set; nothing downloads.
    let (status, page) = app.get(&client, "/exports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No pseudonym key is configured."), "{page}");
    assert!(page.contains("PERMANENCE_EXPORT_KEY") && page.contains("export.key"));
    let (status, _, _) = download(&app, &client, "/exports/deidentified/children.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    configure_key(&app, "too short");
    let (_, page) = app.get(&client, "/exports").await;
    assert!(page.contains("9 characters long, too short"), "{page}");

    // With the key: every file listed downloads; the key never appears.
    configure_key(&app, KEY);
    let (_, page) = app.get(&client, "/exports").await;
    assert!(!page.contains(KEY));
    assert!(page.contains("Key check:"));
    let files = [
        "children.csv",
        "periods_of_care.csv",
        "episodes.csv",
        "placements.csv",
        "legal_statuses.csv",
        "reviews.csv",
        "missing.csv",
        "permanence_plans.csv",
        "alerts.csv",
        "manifest.json",
    ];
    for file in files {
        assert!(
            page.contains(&format!("/exports/deidentified/{file}")),
            "{file}"
        );
        let (status, content_type, bytes) =
            download(&app, &client, &format!("/exports/deidentified/{file}")).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains(KEY));
        if file == "manifest.json" {
            assert_eq!(content_type, "application/json");
            let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(manifest["files"].as_array().unwrap().len(), 9);
        } else {
            assert!(content_type.starts_with("text/csv"), "{file}");
            assert!(text.lines().count() > 1, "{file} has rows");
        }
    }
    let (status, _, _) = download(&app, &client, "/exports/deidentified/people.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The pseudonyms are the key's, and no child id or name is in the file.
    let (_, _, bytes) = download(&app, &client, "/exports/deidentified/children.csv").await;
    let text = String::from_utf8(bytes).unwrap();
    let key = permanence_exports::PseudonymKey::from_text(KEY).unwrap();
    let borough = app.borough();
    let open: Vec<&str> = borough
        .journeys
        .iter()
        .map(|j| j.child())
        .filter(|child| borough.may_see(None, child))
        .collect();
    for child in &open {
        assert!(text.contains(&key.pseudonym(child)), "{child}");
        assert!(!text.contains(*child));
    }
    for name in borough
        .trackers
        .values()
        .filter_map(|t| t.details.as_ref())
        .map(|d| &d.name)
    {
        assert!(!text.contains(name.as_str()), "{name}");
    }

    let downloads: Vec<String> = audit_actions(&app)
        .into_iter()
        .filter(|(_, action, _)| action == "export_deidentified")
        .map(|(_, _, detail)| detail)
        .collect();
    assert_eq!(downloads.len(), files.len() + 1, "{downloads:?}");
    assert!(
        downloads
            .iter()
            .any(|d| d.starts_with("web: de-identified export, children.csv"))
    );
    assert!(downloads.iter().all(|d| d.contains(&key.check_value())));
}
