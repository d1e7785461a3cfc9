//! The children list: search by name or id, every filter, sortable columns, pages, the
//! CSV of exactly what is shown, tampered queries, and records restricted to named
//! staff (absent from the list, search, CSV and home for everyone else; their page
//! answers as an unknown child does).

use permanence_domain::tracker::PermanenceOption;
use permanence_tracker::{Kind, RawRecord};
use permanence_web::borough::ChildRow;

use crate::common::*;

/// The borough as the server evaluated it.
fn borough(app: &TestApp) -> Borough {
    Borough::load(&app.store(), &Policy::default(), today()).unwrap()
}

/// The children linked from a list page, in order.
fn listed(page: &str) -> Vec<String> {
    page.split(r#"href="/children/"#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// The CSV download of a query: its header and rows.
async fn download(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let response = client
        .get(app.url(&format!("/children.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The children of a CSV download, in order.
async fn downloaded(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let (_, rows) = download(app, client, query).await;
    rows.into_iter().map(|row| row[0].clone()).collect()
}

/// Every child the list shows over all its pages, in order.
async fn all_pages(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let mut children = Vec::new();
    for page in 1.. {
        let (status, text) = app
            .get(client, &format!("/children?{query}&page={page}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{query} page {page}");
        children.extend(listed(&text));
        if !text.contains(r#"rel="next""#) {
            break;
        }
    }
    children
}

/// The rows a user linked to this member of staff (or to none) may see, in id order:
/// a synthetic borough may hold records restricted to named staff.
fn visible(borough: &Borough, staff_id: Option<&str>) -> Vec<ChildRow> {
    borough
        .rows
        .iter()
        .filter(|r| r.visible_to(staff_id))
        .cloned()
        .collect()
}

/// The ids of rows matching `keep`, in id order.
fn expected(rows: &[ChildRow], keep: impl Fn(&ChildRow) -> bool) -> Vec<String> {
    rows.iter()
        .filter(|r| keep(r))
        .map(|r| r.child.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_children_by_part_of_their_name_or_id_in_any_case() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::SocialWorker).await;
    let borough = borough(&app);
    let rows = visible(&borough, Some(&app.worker_staff_id));
    // Every synthetic child has a name, shown in the list.
    let row = rows.iter().find(|r| r.looked_after).unwrap();
    let name = row.name.clone().expect("synthetic children have names");
    let (_, page) = app.get(&client, "/children?looked_after=all").await;
    assert!(page.contains("Search by name or child id"));

    // Part of the surname, in upper case.
    let surname = name.split(' ').nth(1).unwrap();
    let fragment = surname[1..surname.len() - 1].to_uppercase();
    let query = format!("looked_after=all&q={fragment}");
    let (_, page) = app.get(&client, &format!("/children?{query}")).await;
    assert!(
        page.contains(&format!(r#"value="{fragment}""#)),
        "the search is kept"
    );
    let want = expected(&rows, |r| {
        r.name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains(&fragment.to_lowercase()))
            || r.child.to_lowercase().contains(&fragment.to_lowercase())
    });
    assert!(want.contains(&row.child));
    assert_eq!(all_pages(&app, &client, &query).await, want);
    assert!(page.contains(&name));

    // The whole name, in lower case.
    let query = format!(
        "looked_after=all&q={}",
        name.to_lowercase().replace(' ', "+")
    );
    let found = all_pages(&app, &client, &query).await;
    assert!(found.contains(&row.child), "{found:?}");
    assert!(found.iter().all(|id| {
        rows.iter()
            .any(|r| &r.child == id && r.name.as_deref() == Some(&name))
    }));

    // Part of an id, in lower case.
    let part = row.child[3..].to_string();
    let query = format!("looked_after=all&q=c{}", &part[..part.len() - 1]);
    let want = expected(&rows, |r| {
        r.child
            .to_lowercase()
            .contains(&format!("c{}", &part[..part.len() - 1]))
    });
    assert!(want.contains(&row.child));
    assert_eq!(all_pages(&app, &client, &query).await, want);
    let (_, page) = app
        .get(
            &client,
            &format!("/children?looked_after=all&q={}", row.child.to_lowercase()),
        )
        .await;
    assert_eq!(listed(&page), vec![row.child.clone()]);
    assert!(page.contains("Showing 1 to 1 of 1 children"));

    // Nothing found says so.
    let (status, page) = app.get(&client, "/children?q=no+such+child+anywhere").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No children match."));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_filter_selects_its_children_and_keeps_its_value() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::PerformanceAnalyst).await;
    let borough = borough(&app);
    let rows = &visible(&borough, None);
    let first = |of: &dyn Fn(&ChildRow) -> Option<String>| {
        rows.iter().find_map(of).expect("some child has a value")
    };
    let team = first(&|r| r.team.clone());
    let worker = first(&|r| r.social_worker.clone());
    let iro = first(&|r| r.iro.clone());
    let legal_status = first(&|r| r.legal_status.map(String::from));
    let placement = first(&|r| r.placement.map(String::from));
    let age = first(&|r| Some(r.age_band.code().to_string()));
    let time = first(&|r| r.time_in_care.map(|t| t.code().to_string()));
    let rule = first(&|r| r.open_rules.first().map(|s| s.to_string()));
    let plan = first(&|r| r.plan.map(|p| p.code().to_string()));

    type Keep = Box<dyn Fn(&ChildRow) -> bool>;
    let cases: Vec<(&str, String, Keep)> = vec![
        ("team", team.clone(), {
            let team = team.clone();
            Box::new(move |r: &ChildRow| r.team.as_deref() == Some(&team))
        }),
        ("worker", worker.clone(), {
            let worker = worker.clone();
            Box::new(move |r: &ChildRow| r.allocated.contains(&worker))
        }),
        ("iro", iro.clone(), {
            let iro = iro.clone();
            Box::new(move |r: &ChildRow| r.iro.as_deref() == Some(&iro))
        }),
        ("legal_status", legal_status.clone(), {
            let code = legal_status.clone();
            Box::new(move |r: &ChildRow| r.legal_status == Some(code.as_str()))
        }),
        ("placement", placement.clone(), {
            let code = placement.clone();
            Box::new(move |r: &ChildRow| r.placement == Some(code.as_str()))
        }),
        ("age", age.clone(), {
            let code = age.clone();
            Box::new(move |r: &ChildRow| r.age_band.code() == code)
        }),
        ("time_in_care", time.clone(), {
            let code = time.clone();
            Box::new(move |r: &ChildRow| r.time_in_care.is_some_and(|t| t.code() == code))
        }),
        ("rule", rule.clone(), {
            let rule = rule.clone();
            Box::new(move |r: &ChildRow| r.open_rules.contains(&rule.as_str()))
        }),
        ("plan", plan.clone(), {
            let code = plan.clone();
            Box::new(move |r: &ChildRow| r.plan.map(PermanenceOption::code) == Some(code.as_str()))
        }),
    ];
    for (name, value, keep) in cases {
        let query = format!("looked_after=all&{name}={value}");
        let want = expected(rows, &keep);
        assert!(!want.is_empty(), "{name}={value}");
        let (status, page) = app.get(&client, &format!("/children?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(
            page.contains(&format!("of {} children", want.len())),
            "{query}: {} expected",
            want.len()
        );
        // The select offers "Any" and keeps the value chosen.
        assert!(page.contains(&format!(
            r#"<select class="app-select" id="{name}" name="{name}">"#
        )));
        assert!(
            page.contains(&format!(r#"<option value="{value}" selected>"#)),
            "{query}"
        );
        assert_eq!(downloaded(&app, &client, &query).await, want, "{query}");
    }

    // Filters combine, with the default of children looked after today.
    let query = format!("legal_status={legal_status}&age={age}");
    let want = expected(rows, |r| {
        r.looked_after && r.legal_status == Some(legal_status.as_str()) && r.age_band.code() == age
    });
    assert_eq!(downloaded(&app, &client, &query).await, want);

    // Choices are only values present: every team offered has a child.
    let (_, page) = app.get(&client, "/children?looked_after=all").await;
    let teams = page
        .split(r#"id="team" name="team">"#)
        .nth(1)
        .unwrap()
        .split("</select>")
        .next()
        .unwrap();
    assert!(
        teams
            .trim_start()
            .starts_with(r#"<option value="" selected>Any</option>"#)
    );
    for value in teams.split(r#"<option value=""#).skip(2) {
        let id = value.split('"').next().unwrap();
        assert!(rows.iter().any(|r| r.team.as_deref() == Some(id)), "{id}");
    }
    assert!(page.contains(r#"href="/children">Clear filters</a>"#));
    assert!(page.contains(r#"<form method="get" action="/children""#));
}

#[tokio::test(flavor = "multi_thread")]
async fn columns_sort_both_ways_with_links_and_aria_sort() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::TeamManager).await;
    let borough = borough(&app);
    let rows = visible(&borough, None);
    let all: Vec<&ChildRow> = rows.iter().collect();
    let ids = |rows: Vec<&ChildRow>| {
        rows.into_iter()
            .map(|r| r.child.clone())
            .collect::<Vec<_>>()
    };

    // By id (the default), ascending.
    let (_, page) = app.get(&client, "/children?looked_after=all").await;
    assert!(page.contains(r#"aria-sort="ascending"><a class="app-link app-table__sort-link" href="/children?looked_after=all&#38;sort=child&#38;order=desc">Child</a>"#));
    assert!(page.contains(r#"aria-sort="none"><a class="app-link app-table__sort-link" href="/children?looked_after=all&#38;sort=name">Name</a>"#));
    assert_eq!(
        downloaded(&app, &client, "looked_after=all").await,
        ids(all.clone())
    );
    let mut reversed = ids(all.clone());
    reversed.reverse();
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=child&order=desc").await,
        reversed
    );

    // By name: A to Z, then Z to A.
    let mut by_name = all.clone();
    by_name.sort_by(|a, b| a.name_key.cmp(&b.name_key).then(a.child.cmp(&b.child)));
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=name").await,
        ids(by_name.clone())
    );
    let mut by_name_desc = all.clone();
    by_name_desc.sort_by(|a, b| b.name_key.cmp(&a.name_key).then(a.child.cmp(&b.child)));
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=name&order=desc").await,
        ids(by_name_desc)
    );

    // By age: youngest first, the header then offering oldest first.
    let (_, page) = app
        .get(&client, "/children?looked_after=all&sort=age")
        .await;
    assert!(page.contains(r#"aria-sort="ascending"><a class="app-link app-table__sort-link" href="/children?looked_after=all&#38;sort=age&#38;order=desc">Age</a>"#));
    assert_eq!(page.matches(r#"aria-sort="ascending""#).count(), 1);
    assert_eq!(page.matches(r#"aria-sort="none""#).count(), 4);
    let mut by_age = all.clone();
    by_age.sort_by(|a, b| a.age.cmp(&b.age).then(a.child.cmp(&b.child)));
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=age").await,
        ids(by_age)
    );
    let mut by_age_desc = all.clone();
    by_age_desc.sort_by(|a, b| b.age.cmp(&a.age).then(a.child.cmp(&b.child)));
    let (_, page) = app
        .get(&client, "/children?looked_after=all&sort=age&order=desc")
        .await;
    assert!(page.contains(r#"aria-sort="descending""#));
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=age&order=desc").await,
        ids(by_age_desc)
    );

    // Days in care: longest first, children no longer looked after last.
    let mut by_days = all.clone();
    by_days.sort_by(|a, b| match (a.days_in_care, b.days_in_care) {
        (Some(x), Some(y)) => y.cmp(&x).then(a.child.cmp(&b.child)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.child.cmp(&b.child),
    });
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=days_in_care").await,
        ids(by_days)
    );

    // Alerts: most first; ascending when asked.
    let mut by_alerts = all.clone();
    by_alerts.sort_by(|a, b| {
        b.open_alerts
            .cmp(&a.open_alerts)
            .then(a.child.cmp(&b.child))
    });
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=alerts").await,
        ids(by_alerts)
    );
    let mut by_alerts_asc = all.clone();
    by_alerts_asc.sort_by(|a, b| {
        a.open_alerts
            .cmp(&b.open_alerts)
            .then(a.child.cmp(&b.child))
    });
    assert_eq!(
        downloaded(&app, &client, "looked_after=all&sort=alerts&order=asc").await,
        ids(by_alerts_asc)
    );

    // The filter form keeps the sort.
    let (_, page) = app.get(&client, "/children?sort=alerts&order=asc").await;
    assert!(page.contains(r#"<input type="hidden" name="sort" value="alerts">"#));
    assert!(page.contains(r#"<input type="hidden" name="order" value="asc">"#));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_csv_holds_exactly_the_rows_shown_on_every_page() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::Iro).await;
    let borough = borough(&app);
    let visible_rows = visible(&borough, None);
    assert!(visible_rows.len() > 50, "more than one page");
    for query in [
        "looked_after=all",
        "looked_after=all&sort=name&order=desc",
        "sort=days_in_care",
    ] {
        let shown = all_pages(&app, &client, query).await;
        assert_eq!(downloaded(&app, &client, query).await, shown, "{query}");
    }
    let (_, page) = app.get(&client, "/children?looked_after=all&page=2").await;
    assert!(page.contains("Showing 51 to"));
    assert!(page.contains(r#"href="/children.csv?looked_after=all&#38;sort=child""#));

    // The new columns: name, team, social worker, IRO and plan of each child.
    let (header, rows) = download(&app, &client, "looked_after=all").await;
    assert_eq!(
        header,
        [
            "Child",
            "Looked after",
            "Age",
            "Legal status",
            "Placement type",
            "Days in care",
            "Open alerts",
            "Name",
            "Team",
            "Social worker",
            "IRO",
            "Primary plan"
        ]
    );
    assert_eq!(rows.len(), visible_rows.len());
    for (row, csv) in visible_rows.iter().zip(&rows) {
        assert_eq!(csv[0], row.child);
        assert_eq!(Some(csv[7].as_str()), row.name.as_deref());
        if let Some(team) = &row.team {
            assert_eq!(csv[8], borough.team_name(team).unwrap_or(team));
        }
        if let Some(worker) = &row.social_worker {
            assert!(csv[9].contains(worker.as_str()), "{csv:?}");
        }
        if let Some(iro) = &row.iro {
            assert!(csv[10].contains(iro.as_str()), "{csv:?}");
        }
        assert_eq!(csv[11], row.plan.map(|p| p.label()).unwrap_or(""));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_queries_are_ignored_not_errors() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::SocialWorker).await;
    let (_, plain) = app.get(&client, "/children").await;
    let plain_children = listed(&plain);
    for query in [
        "team=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "worker=NOBODY&iro=NOBODY",
        "legal_status=ZZ&placement=%00&age=ancient&time_in_care=forever",
        "rule=NOT-A-RULE&plan=elsewhere",
        "sort=evil&order=sideways",
        "page=abc",
        "page=-3",
        "page=99999999999999999999999",
        "looked_after=maybe",
        "q=%FF%FE",
        "team=a&team=b&q=x&q=y",
        "unknown=1",
    ] {
        let (status, page) = app.get(&client, &format!("/children?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(!page.contains("<script>alert"), "{query}");
        if !query.starts_with("q=") && !query.contains("q=x") {
            assert_eq!(listed(&page), plain_children, "{query}");
        }
        let response = client
            .get(app.url(&format!("/children.csv?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{query}");
    }
    // An ignored value is gone from the links, and its select shows "Any".
    let (_, page) = app.get(&client, "/children?team=NOTEAM&sort=evil").await;
    assert!(!page.contains("NOTEAM"));
    assert!(page.contains(r#"href="/children.csv?looked_after=yes&#38;sort=child""#));
}

/// A child with an open finding owned by the social worker's staff id, the member of
/// staff the record will be restricted to (the worker's manager), and the stored
/// `child_details` record restricting it.
fn restrict(app: &TestApp, borough: &Borough) -> (String, String) {
    let worker = &app.worker_staff_id;
    let child = borough
        .findings
        .iter()
        .find(|f| f.owner.as_deref() == Some(worker.as_str()))
        .map(|f| f.child.clone())
        .unwrap();
    let named = borough
        .organisation
        .person(worker)
        .and_then(|p| p.manager.clone())
        .unwrap();
    assert_ne!(&named, worker);
    let record = RawRecord::new(
        Kind::ChildDetails,
        "child_details.csv",
        2,
        &[
            child.as_str(),
            "Robin Restricted-Example",
            named.as_str(),
            "Child of a member of staff",
        ],
    );
    app.save_tracker_records(&[record]);
    (child, named)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restricted_record_is_invisible_to_everyone_but_the_staff_named() {
    let app = TestApp::start().await;
    let before = borough(&app);
    let (child, named) = restrict(&app, &before);
    let app = app.restart().await;
    let after = borough(&app);
    assert!(!after.may_see(Some(&app.worker_staff_id), &child));
    assert!(!after.may_see(None, &child));
    assert!(after.may_see(Some(&named), &child));
    app.add_user("named", "Named Manager", Role::TeamManager, Some(&named));

    // The social worker (linked to other staff) and an analyst (linked to none) never
    // see it: not in the list, a search, a filter or the CSV.
    let worker = app.signed_in(Role::SocialWorker).await;
    let analyst = app.signed_in(Role::PerformanceAnalyst).await;
    let search = [
        "looked_after=all".to_string(),
        format!("looked_after=all&q={child}"),
        "looked_after=all&q=restricted-example".to_string(),
        format!("looked_after=all&worker={}", app.worker_staff_id),
        "looked_after=all&sort=alerts".to_string(),
    ];
    for client in [&worker, &analyst] {
        for query in &search {
            let shown = all_pages(&app, client, query).await;
            assert!(!shown.contains(&child), "{query}");
            let csv = downloaded(&app, client, query).await;
            assert!(!csv.contains(&child), "{query}");
            let (_, page) = app.get(client, &format!("/children?{query}")).await;
            assert!(!page.contains("Restricted-Example"));
        }
        let everyone = downloaded(&app, client, "looked_after=all").await;
        assert!(everyone.len() < after.rows.len());
        // Its page answers exactly as a child who does not exist.
        let (status, page) = app.get(client, &format!("/children/{child}")).await;
        let (unknown_status, unknown) = app.get(client, "/children/C9999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!((status, page), (unknown_status, unknown));
    }
    // No view of it was recorded for them.
    assert!(
        app.store()
            .audit_log(Some(&child))
            .unwrap()
            .iter()
            .all(|e| e.action != "view_child")
    );

    // Home: the worker's own alerts about the child are gone, and it is not counted
    // among the children looked after or allocated to them.
    assert!(
        before
            .findings
            .iter()
            .any(|f| f.child == child && f.owner.as_deref() == Some(app.worker_staff_id.as_str())),
        "the worker had an alert about the child"
    );
    let (status, home) = app.get(&worker, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Your open alerts"));
    assert!(!home.contains(&format!("/children/{child}")));
    let count = |rows: &mut dyn Iterator<Item = &ChildRow>| {
        format!(
            r#"<span class="app-counts__number">{}</span> children looked after"#,
            rows.count()
        )
    };
    let visible_looked_after = count(
        &mut after
            .rows
            .iter()
            .filter(|r| r.looked_after && r.visible_to(Some(&app.worker_staff_id))),
    );
    assert!(!after.may_see(Some(&app.worker_staff_id), &child));
    assert!(
        home.contains(&visible_looked_after),
        "{visible_looked_after}"
    );
    let mine = after
        .rows
        .iter()
        .filter(|r| {
            r.allocated.contains(&app.worker_staff_id) && r.visible_to(Some(&app.worker_staff_id))
        })
        .count();
    assert!(home.contains(&format!(
        r#"<span class="app-counts__number">{mine}</span> children allocated to you"#
    )));
    let (_, home) = app.get(&analyst, "/").await;
    let analyst_looked_after = count(
        &mut after
            .rows
            .iter()
            .filter(|r| r.looked_after && r.visible_to(None)),
    );
    assert!(
        home.contains(&analyst_looked_after),
        "{analyst_looked_after}"
    );

    // The named member of staff sees it everywhere, with its name.
    let manager = TestApp::client();
    let response = app.try_login(&manager, "named", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let shown = downloaded(&app, &manager, "looked_after=all").await;
    assert!(shown.contains(&child));
    assert_eq!(shown, expected(&visible(&after, Some(&named)), |_| true));
    let found = all_pages(&app, &manager, "looked_after=all&q=RESTRICTED-example").await;
    assert_eq!(found, vec![child.clone()]);
    let (status, page) = app.get(&manager, &format!("/children/{child}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<h1 class="app-heading-l">Robin Restricted-Example</h1>"#));

    // The audit log shows the view, but links the child only for those who may see it.
    for role in [Role::ServiceManager, Role::HeadOfService] {
        let client = app.signed_in(role).await;
        let (status, page) = app.get(&client, &format!("/audit?child={child}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&child), "{role:?}");
        assert!(
            !page.contains(&format!(r#"href="/children/{child}""#)),
            "{role:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_child_page_and_list_show_the_childs_name() {
    let app = TestApp::start().await;
    let client = app.signed_in(Role::Iro).await;
    let borough = borough(&app);
    let name = borough.child_name(&app.child).unwrap().to_string();
    let (status, page) = app.get(&client, &format!("/children/{}", app.child)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!(r#"<h1 class="app-heading-l">{name}</h1>"#)));
    assert!(page.contains(&format!("Child {}", app.child)));
    let (_, page) = app
        .get(
            &client,
            &format!("/children?looked_after=all&q={}", app.child),
        )
        .await;
    assert!(page.contains(&format!(r#"<td class="app-table__cell">{name}</td>"#)));
}
