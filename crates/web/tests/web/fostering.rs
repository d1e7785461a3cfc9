//! The fostering pages: who may open the register, a household's page, the gap analysis,
//! matching support and their downloads (every role, allowed and refused), and what
//! they show for the synthetic borough's register.

use crate::common::*;

/// A household of the synthetic register with a child living there, and a child with
/// placement needs.
fn examples(app: &TestApp) -> (String, String) {
    let borough = app.borough();
    let register = &borough.organisation.fostering;
    let household = register
        .placements
        .iter()
        .find(|p| p.open_on(borough.as_of))
        .map(|p| p.household.clone())
        .expect("a household with a child");
    let child = borough
        .trackers
        .iter()
        .find(|(_, t)| {
            t.placement_needs.is_some() && t.details.as_ref().is_none_or(|d| !d.is_restricted())
        })
        .map(|(c, _)| c.clone())
        .expect("a child with placement needs");
    (household, child)
}

#[tokio::test(flavor = "multi_thread")]
async fn fostering_is_for_fostering_workers_managers_and_analysts_only() {
    let app = TestApp::start().await;
    let (household, child) = examples(&app);
    let paths = [
        "/fostering".to_string(),
        "/fostering/households.csv".to_string(),
        "/fostering/gaps.csv".to_string(),
        format!("/fostering/households/{}", encode(&household)),
        format!("/children/{}/matching", encode(&child)),
    ];
    for role in Role::ALL {
        let client = app.signed_in(*role).await;
        let allowed = matches!(
            role,
            Role::FosteringAdoptionWorker
                | Role::TeamManager
                | Role::ServiceManager
                | Role::HeadOfService
                | Role::PerformanceAnalyst
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
                assert!(!page.contains("Needs and capacity"), "{role:?} {path}");
                assert!(!page.contains(&household), "{role:?} {path}");
            }
        }
        let (_, home) = app.get(&client, "/").await;
        assert_eq!(
            home.contains(r#"href="/fostering""#),
            allowed,
            "{role:?} navigation"
        );
    }
    let response = TestApp::client()
        .get(app.url("/fostering"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_register_gap_analysis_and_matching_show_the_borough() {
    let app = TestApp::start().await;
    let (household, child) = examples(&app);
    let client = app.signed_in(Role::FosteringAdoptionWorker).await;
    let (status, page) = app.get(&client, "/fostering").await;
    assert_eq!(status, StatusCode::OK);
    for heading in [
        "Needs and capacity",
        "By age band",
        "By sibling-group size",
        "By complex need",
        "Children waiting for a family",
        "Unused vacancies",
        "Recruitment",
        "The register",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(page.contains(&format!("/fostering/households/{}", encode(&household))));
    let (status, page) = app
        .get(
            &client,
            &format!("/fostering/households/{}", encode(&household)),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Terms of approval, reviews and variations"));
    assert!(page.contains("Children who have lived here"));
    let (status, _) = app.get(&client, "/fostering/households/NO-SUCH").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = app
        .get(&client, &format!("/children/{}/matching", encode(&child)))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Decision support only"));
    assert!(page.contains("Households not shown"));
    assert!(page.contains("What the child needs"));
    let (status, csv) = app.get(&client, "/fostering/households.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("household,name,type,status,postcode_district"));
    let (status, csv) = app.get(&client, "/fostering/gaps.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("age_band,10 to 15,"));
    // Downloads and the matching page are audited.
    let log = app.store().audit_log(None).unwrap();
    assert!(log.iter().any(|e| e.action == "export_fostering"));
    assert!(
        log.iter()
            .any(|e| e.action == "view_child" && e.child.as_deref() == Some(child.as_str()))
    );
}
