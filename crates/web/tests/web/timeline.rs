//! The journey timeline on a child's page: the SVG picture with its accessible name and
//! description, and the same events as a list.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_childs_page_shows_the_journey_as_a_picture_and_as_a_list() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::SocialWorker).await;
    let (status, page) = app.get(&client, &format!("/children/{}", app.child)).await;
    assert_eq!(status, StatusCode::OK);

    // One Journey section, after the summary and before the plan.
    let journey = page.find(r#"<h2 class="app-heading-m" id="journey-heading">Journey</h2>"#);
    let summary = page.find("Summary on");
    let plan = page.find(">Permanence plan</h2>");
    assert!(
        summary < journey && journey < plan,
        "{summary:?} {journey:?} {plan:?}"
    );

    // The picture: an image with a title and a description, drawn (not escaped) once.
    assert_eq!(page.matches("<svg ").count(), 1);
    let svg = &page[page.find("<svg ").unwrap()..page.find("</svg>").unwrap()];
    assert!(svg.contains(r#"role="img""#));
    assert!(svg.contains(r#"aria-labelledby="journey-timeline-title""#));
    assert!(svg.contains(r#"aria-describedby="journey-timeline-desc""#));
    assert!(svg.contains(&format!(
        r#"<title id="journey-timeline-title">Journey through care of child {} up to"#,
        app.child
    )));
    assert!(svg.contains(r#"<desc id="journey-timeline-desc">"#));
    assert!(svg.contains(r#"<g class="app-timeline__placement">"#));
    assert!(svg.contains(r#"class="app-timeline__today""#));
    // The child has findings: they are on the picture as alerts.
    assert!(svg.contains(r#"<g class="app-timeline__alert"#));
    // The content security policy allows no inline styles or script.
    assert!(!svg.contains("style=") && !svg.contains("<style") && !svg.contains("<script"));

    // The list: a details with one captioned table of dated events.
    assert!(
        page.contains(
            r#"<span class="app-details__summary-text">Show the journey as a list</span>"#
        )
    );
    let list = &page[page.find(r#"<details class="app-details">"#).unwrap()..];
    let list = &list[..list.find("</details>").unwrap()];
    assert_eq!(list.matches("<caption").count(), 1);
    assert!(list.contains(&format!(
        "Journey of child {}, in date order</caption>",
        app.child
    )));
    assert!(list.contains(r#"<th scope="col" class="app-table__header">Date</th>"#));
    assert!(list.contains(">Came into care</td>"));
    assert!(list.contains(">Placement</td>"));
    assert!(list.contains(">Alert</td>"));
}
