//! The oversight pages: teams and services (open alerts by team and by worker, a team's
//! page, drift categories), the IRO page and the panels page, checked against the
//! borough the server evaluates, with their CSV downloads and access by role.

use std::collections::{BTreeMap, BTreeSet};

use permanence_domain::date::days_between;
use permanence_domain::tracker::{PanelQuestion, StaffRole};
use permanence_rules::Status;

use crate::common::*;

/// The borough as the server evaluated it (same database, policy and day).
fn borough(app: &TestApp) -> Borough {
    Borough::load(&app.store(), &Policy::default(), today()).unwrap()
}

/// A CSV download's header and rows.
async fn csv(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{path}"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
        "{path}"
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Signs in a new account of the role linked to a member of staff.
async fn linked(app: &TestApp, username: &str, role: Role, staff_id: &str) -> reqwest::Client {
    app.add_user(
        username,
        &format!("Linked {username}"),
        role,
        Some(staff_id),
    );
    let client = TestApp::client();
    let response = app.try_login(&client, username, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{username}");
    client
}

/// The team an alert's owner is counted in: theirs, else the team they manage.
fn owner_team(borough: &Borough, owner: &str) -> Option<String> {
    borough
        .organisation
        .person(owner)
        .and_then(|p| p.team.clone())
        .or_else(|| {
            borough
                .organisation
                .teams
                .iter()
                .find(|t| t.manager.as_deref() == Some(owner))
                .map(|t| t.id.clone())
        })
}

fn one_h1(page: &str) {
    assert_eq!(page.matches("<h1").count(), 1, "one h1 per page");
}

#[tokio::test(flavor = "multi_thread")]
async fn teams_count_open_alerts_by_team_and_by_worker_oldest_first() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let visible: Vec<_> = borough
        .findings
        .iter()
        .filter(|f| borough.may_see(None, &f.child))
        .collect();
    let mut by_team: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut by_worker: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &visible {
        let team = finding
            .owner
            .as_deref()
            .and_then(|o| owner_team(&borough, o))
            .unwrap_or_default();
        let entry = by_team.entry(team).or_default();
        entry.0 += 1;
        entry.1 += usize::from(finding.status == Status::Overdue);
        entry.2 += usize::from(finding.status == Status::DueSoon);
        *by_worker
            .entry(finding.owner.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let client = app.signed_in(Role::HeadOfService).await;

    let (status, page) = app.get(&client, "/teams").await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    assert!(page.contains("<h1 class=\"app-heading-l\">Teams and services</h1>"));
    for team in &borough.organisation.teams {
        assert!(
            page.contains(&format!("href=\"/teams/{}\"", team.id)),
            "{}",
            team.id
        );
    }
    assert!(page.contains("scope=\"col\"") && page.contains("scope=\"row\""));
    assert!(page.contains("<caption"));
    assert!(page.contains(&format!(
        "<span class=\"app-counts__number\">{}</span> open alerts",
        visible.len()
    )));

    // Every team, with its counts; the alerts with no team last; they add up.
    let (header, rows) = csv(&app, &client, "/teams.csv").await;
    let (id, open, overdue, due_soon, oldest) = (
        column(&header, "Team id"),
        column(&header, "Open alerts"),
        column(&header, "Overdue"),
        column(&header, "Due soon"),
        column(&header, "Most days overdue"),
    );
    let teams: BTreeSet<&str> = borough
        .organisation
        .teams
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    for row in &rows {
        let expected = by_team.get(&row[id]).copied().unwrap_or_default();
        if row[id].is_empty() {
            // The "no team" row holds every alert whose team is not in the register.
            let unknown: usize = by_team
                .iter()
                .filter(|(team, _)| !teams.contains(team.as_str()))
                .map(|(_, (open, _, _))| open)
                .sum();
            assert_eq!(row[open].parse::<usize>().unwrap(), unknown);
        } else {
            assert_eq!(
                row[open].parse::<usize>().unwrap(),
                expected.0,
                "{}",
                row[id]
            );
            assert_eq!(
                row[overdue].parse::<usize>().unwrap(),
                expected.1,
                "{}",
                row[id]
            );
            assert_eq!(
                row[due_soon].parse::<usize>().unwrap(),
                expected.2,
                "{}",
                row[id]
            );
        }
    }
    assert_eq!(
        rows.iter().filter(|r| !r[id].is_empty()).count(),
        borough.organisation.teams.len(),
        "every team has a row"
    );
    let total: usize = rows.iter().map(|r| r[open].parse::<usize>().unwrap()).sum();
    assert_eq!(total, visible.len());
    let oldest_first: Vec<i32> = rows
        .iter()
        .filter(|r| !r[id].is_empty())
        .map(|r| r[oldest].parse().unwrap())
        .collect();
    assert!(
        oldest_first.windows(2).all(|w| w[0] >= w[1]),
        "{oldest_first:?}"
    );

    let (header, rows) = csv(&app, &client, "/teams/workers.csv").await;
    let (staff, open, oldest) = (
        column(&header, "Staff id"),
        column(&header, "Open alerts"),
        column(&header, "Most days overdue"),
    );
    assert_eq!(rows.len(), by_worker.len());
    for row in &rows {
        assert_eq!(
            row[open].parse::<usize>().unwrap(),
            by_worker[&row[staff]],
            "{}",
            row[staff]
        );
    }
    let oldest_first: Vec<i32> = rows
        .iter()
        .filter(|r| !r[staff].is_empty())
        .map(|r| r[oldest].parse().unwrap())
        .collect();
    assert!(
        oldest_first.windows(2).all(|w| w[0] >= w[1]),
        "{oldest_first:?}"
    );
    // The most overdue alert's owner heads the list.
    let most = visible
        .iter()
        .filter(|f| f.owner.is_some())
        .map(|f| f.days_overdue)
        .max()
        .unwrap();
    assert_eq!(rows[0][oldest].parse::<i32>().unwrap(), most);

    // Filtering by a team narrows every table to it.
    let (busiest, _) = by_team
        .iter()
        .filter(|(team, _)| teams.contains(team.as_str()))
        .max_by_key(|(_, (open, _, _))| *open)
        .unwrap();
    let (header, rows) = csv(&app, &client, &format!("/teams.csv?team={busiest}")).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][column(&header, "Team id")], *busiest);
    let (header, rows) = csv(&app, &client, &format!("/teams/workers.csv?team={busiest}")).await;
    let team_column = column(&header, "Team id");
    assert!(rows.iter().all(|r| r[team_column] == *busiest));
    let sum: usize = rows
        .iter()
        .map(|r| r[column(&header, "Open alerts")].parse::<usize>().unwrap())
        .sum();
    assert_eq!(sum, by_team[busiest].0);
    let (_, page) = app.get(&client, &format!("/teams?team={busiest}")).await;
    assert!(page.contains(&format!("<option value=\"{busiest}\" selected>")));

    // Downloads are audited.
    let log = app.store().audit_log(None).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "export_teams" && e.actor == "head_of_service")
    );
    assert!(log.iter().any(|e| e.action == "export_team_workers"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_page_lists_its_workers_and_their_alerts_oldest_first() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let mut by_team: BTreeMap<String, Vec<&permanence_rules::Finding>> = BTreeMap::new();
    for finding in borough
        .findings
        .iter()
        .filter(|f| borough.may_see(None, &f.child))
    {
        if let Some(team) = finding
            .owner
            .as_deref()
            .and_then(|o| owner_team(&borough, o))
        {
            by_team.entry(team).or_default().push(finding);
        }
    }
    let (team, alerts) = by_team.iter().max_by_key(|(_, a)| a.len()).unwrap();
    let client = app.signed_in(Role::ServiceManager).await;
    let (status, page) = app.get(&client, &format!("/teams/{team}")).await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    let name = borough.team_name(team).unwrap();
    assert!(page.contains(&format!(
        "<h1 class=\"app-heading-l\">{}</h1>",
        name.replace('&', "&amp;").replace('\'', "&#39;")
    )));
    for person in borough
        .organisation
        .people
        .iter()
        .filter(|p| p.team.as_deref() == Some(team))
    {
        assert!(page.contains(&person.id), "{} is listed", person.id);
    }
    // The worker with the oldest alert comes first, and their oldest alert first.
    let oldest = alerts.iter().max_by_key(|f| f.days_overdue).unwrap();
    assert!(page.contains(&format!("href=\"/children/{}\"", oldest.child)));
    assert!(page.contains(&format!("{}: ", oldest.rule)));

    let (header, rows) = csv(&app, &client, &format!("/teams/{team}/alerts.csv")).await;
    assert_eq!(rows.len(), alerts.len(), "every alert of the team");
    let (worker, days) = (column(&header, "Staff id"), column(&header, "Days overdue"));
    // Within each worker, oldest first.
    let mut last: Option<(&str, i32)> = None;
    for row in &rows {
        let d: i32 = row[days].parse().unwrap();
        if let Some((w, previous)) = last
            && w == row[worker]
        {
            assert!(previous >= d, "oldest first within {w}");
        }
        last = Some((&row[worker], d));
    }
    let children: BTreeSet<&str> = rows
        .iter()
        .map(|r| r[column(&header, "Child")].as_str())
        .collect();
    let expected: BTreeSet<&str> = alerts.iter().map(|f| f.child.as_str()).collect();
    assert_eq!(children, expected);

    assert_eq!(
        app.get(&client, "/teams/NO-SUCH-TEAM").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&client, "/teams/NO-SUCH-TEAM/alerts.csv").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_manager_sees_their_own_team_first_and_may_choose_all() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let team = borough
        .organisation
        .teams
        .iter()
        .find(|t| t.manager.is_some())
        .unwrap();
    let manager = team.manager.clone().unwrap();
    let client = linked(&app, "tm_linked", Role::TeamManager, &manager).await;
    let (status, page) = app.get(&client, "/teams").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("<option value=\"{}\" selected>", team.id)));
    let (header, rows) = csv(&app, &client, "/teams.csv").await;
    assert_eq!(rows.len(), 1, "their own team");
    assert_eq!(rows[0][column(&header, "Team id")], team.id);
    let (_, rows) = csv(&app, &client, "/teams.csv?team=all").await;
    assert!(
        rows.len() >= borough.organisation.teams.len(),
        "every team when asked"
    );
    let (_, page) = app.get(&client, "/teams?team=all").await;
    assert!(page.contains("<option value=\"all\" selected>"));

    // A team manager not linked to a team sees every team.
    let client = app.signed_in(Role::TeamManager).await;
    let (_, rows) = csv(&app, &client, "/teams.csv").await;
    assert!(rows.len() >= borough.organisation.teams.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_categories_hold_the_children_in_each_kind_of_drift() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let as_of = borough.as_of;
    let client = app.signed_in(Role::PerformanceAnalyst).await;
    let (header, rows) = csv(&app, &client, "/drift.csv").await;
    let (category, child, days) = (
        column(&header, "Category id"),
        column(&header, "Child"),
        column(&header, "Days"),
    );
    let in_category =
        |id: &str| -> Vec<&Vec<String>> { rows.iter().filter(|r| r[category] == id).collect() };

    // Young children in children's homes, from the journeys: age under 10, K1 or K2.
    let mut young: BTreeMap<String, i32> = BTreeMap::new();
    for journey in &borough.journeys {
        if let Some(placement) = journey.placement_on(as_of)
            && journey.looked_after_on(as_of)
            && journey.age_on(as_of) < 10
            && placement.place.is_childrens_home()
            && borough.may_see(None, journey.child())
        {
            young.insert(
                journey.child().to_string(),
                days_between(placement.start, as_of),
            );
        }
    }
    let shown: BTreeMap<String, i32> = in_category("young-in-childrens-home")
        .into_iter()
        .map(|r| (r[child].clone(), r[days].parse().unwrap()))
        .collect();
    assert_eq!(shown, young);

    // One category per rule with alerts, holding exactly that rule's alerts.
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in borough
        .findings
        .iter()
        .filter(|f| borough.may_see(None, &f.child))
    {
        *by_rule.entry(finding.rule).or_default() += 1;
    }
    for (rule, count) in &by_rule {
        let rows = in_category(rule);
        assert_eq!(rows.len(), *count, "{rule}");
        let days: Vec<i32> = rows.iter().map(|r| r[days].parse().unwrap()).collect();
        assert!(days.windows(2).all(|w| w[0] >= w[1]), "{rule} oldest first");
    }

    // In care over two years with no permanence achieved.
    for row in in_category("long-in-care-no-permanence") {
        let journey = borough.journey(&row[child]).unwrap();
        assert!(journey.days_in_care(as_of).unwrap() >= 730);
        let achieved = borough
            .trackers
            .get(&row[child])
            .and_then(|t| t.plan_on(as_of))
            .and_then(|p| p.achieved)
            .is_some_and(|a| a <= as_of);
        assert!(!achieved);
    }

    // The page: the summary on /teams links each category; a category opens.
    let (_, page) = app.get(&client, "/teams").await;
    assert!(page.contains("Drift categories"));
    assert!(page.contains("Children under 10 living in a children&#39;s home"));
    let (rule, _) = by_rule.iter().next().unwrap();
    assert!(page.contains(&format!("category={rule}")));
    let (status, page) = app
        .get(&client, &format!("/drift?team=all&category={rule}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    assert!(page.contains("id=\"drift-table\""));
    let (_, one) = csv(
        &app,
        &client,
        &format!("/drift.csv?team=all&category={rule}"),
    )
    .await;
    assert_eq!(one.len(), by_rule[rule]);
    let (status, page) = app.get(&client, "/drift").await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
}

/// The IRO with the most children allocated.
fn busiest_iro(borough: &Borough) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &borough.rows {
        if let Some(iro) = &row.iro {
            *counts.entry(iro).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(id, _)| id.to_string())
        .expect("the synthetic borough allocates IROs")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_iro_sees_their_children_reviews_and_open_challenges() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let as_of = borough.as_of;
    let iro = busiest_iro(&borough);
    let children: BTreeSet<&str> = borough
        .rows
        .iter()
        .filter(|r| r.iro.as_deref() == Some(iro.as_str()) && borough.may_see(Some(&iro), &r.child))
        .map(|r| r.child.as_str())
        .collect();
    let client = linked(&app, "iro_linked", Role::Iro, &iro).await;
    let (status, page) = app.get(&client, "/iro").await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    assert!(page.contains("Your children and challenges"));
    for child in &children {
        assert!(
            page.contains(&format!("href=\"/children/{child}\"")),
            "{child}"
        );
    }

    let (header, rows) = csv(&app, &client, "/iro.csv").await;
    let shown: BTreeSet<&str> = rows
        .iter()
        .map(|r| r[column(&header, "Child")].as_str())
        .collect();
    assert_eq!(shown, children);
    // Review timeliness is the child's REV-* alerts.
    let timeliness = column(&header, "Review timeliness");
    for row in &rows {
        let reviews: Vec<_> = borough
            .findings_for(&row[0])
            .filter(|f| f.rule.starts_with("REV-"))
            .collect();
        if reviews.is_empty() {
            assert_eq!(row[timeliness], "On time");
        } else {
            for f in reviews {
                assert!(row[timeliness].contains(f.rule), "{} {}", row[0], f.rule);
            }
        }
        let last_review = borough
            .journey(&row[0])
            .unwrap()
            .record
            .reviews
            .iter()
            .map(|r| r.review)
            .filter(|d| *d <= as_of)
            .max();
        if let Some(last) = last_review {
            assert_eq!(
                row[column(&header, "Last review")],
                permanence_domain::date::format_dmy(last)
            );
        }
    }
    let (_, same) = csv(&app, &client, &format!("/iro/{iro}/children.csv")).await;
    assert_eq!(same.len(), rows.len());

    // Open challenges: raised by the IRO, not resolved, by stage.
    let open: Vec<String> = borough
        .trackers
        .values()
        .flat_map(|t| t.challenges.iter())
        .filter(|(c, _)| c.iro == iro && c.raised <= as_of && c.resolved.is_none_or(|r| r > as_of))
        .map(|(c, _)| c.id.clone())
        .collect();
    let (header, rows) = csv(&app, &client, &format!("/iro/{iro}/challenges.csv")).await;
    let ids: BTreeSet<&str> = rows
        .iter()
        .map(|r| r[column(&header, "Challenge")].as_str())
        .collect();
    assert_eq!(ids, open.iter().map(String::as_str).collect());
    let days_open: Vec<i32> = rows
        .iter()
        .map(|r| r[column(&header, "Days open")].parse().unwrap())
        .collect();
    assert!(days_open.windows(2).all(|w| w[0] >= w[1]), "oldest first");
    assert!(page.contains("id=\"challenge-stages\""));

    // Their own page opens; another IRO's does not.
    assert_eq!(
        app.get(&client, &format!("/iro/{iro}")).await.0,
        StatusCode::OK
    );
    let other = borough
        .organisation
        .people
        .iter()
        .find(|p| p.role == StaffRole::Iro && p.id != iro)
        .unwrap();
    for path in [
        format!("/iro/{}", other.id),
        format!("/iro/{}/children.csv", other.id),
        format!("/iro/{}/challenges.csv", other.id),
    ] {
        assert_eq!(
            app.get(&client, &path).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }

    // An IRO account not linked to a member of staff is told so.
    let unlinked = app.signed_in(Role::Iro).await;
    let (status, page) = app.get(&unlinked, "/iro").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("not linked to a member of staff"));
    one_h1(&page);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_iro_manager_sees_every_iro_with_counts_and_opens_each() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let client = app.signed_in(Role::IroManager).await;
    let (status, page) = app.get(&client, "/iro").await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    let iros: Vec<&str> = borough
        .organisation
        .people
        .iter()
        .filter(|p| p.role == StaffRole::Iro)
        .map(|p| p.id.as_str())
        .collect();
    for iro in &iros {
        assert!(page.contains(&format!("href=\"/iro/{iro}\"")), "{iro}");
    }
    let (header, rows) = csv(&app, &client, "/iro.csv").await;
    let (staff, children) = (column(&header, "Staff id"), column(&header, "Children"));
    for row in &rows {
        let expected = borough
            .rows
            .iter()
            .filter(|r| {
                r.iro.as_deref() == Some(row[staff].as_str()) && borough.may_see(None, &r.child)
            })
            .count();
        assert_eq!(
            row[children].parse::<usize>().unwrap(),
            expected,
            "{}",
            row[staff]
        );
    }
    let busiest = busiest_iro(&borough);
    let (status, page) = app.get(&client, &format!("/iro/{busiest}")).await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    assert!(page.contains("Back to every IRO"));
    assert_eq!(
        app.get(&client, "/iro/NOT-AN-IRO").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn panels_show_the_register_decisions_by_panel_and_date_and_overlaps() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let as_of = borough.as_of;
    let decisions: Vec<_> = borough
        .trackers
        .iter()
        .filter(|(child, _)| borough.may_see(None, child))
        .flat_map(|(_, t)| t.panel_decisions.iter())
        .filter(|d| d.date <= as_of)
        .collect();
    assert!(
        !decisions.is_empty(),
        "the synthetic borough has panel decisions"
    );
    let client = app.signed_in(Role::SocialWorker).await;
    let (status, page) = app.get(&client, "/panels").await;
    assert_eq!(status, StatusCode::OK);
    one_h1(&page);
    for panel in &borough.organisation.panels {
        assert!(page.contains(&panel.id), "{}", panel.id);
    }
    assert!(page.contains("<label class=\"app-label\" for=\"panel\">"));
    assert!(page.contains("<label class=\"app-label\" for=\"from\">"));

    let (header, rows) = csv(&app, &client, "/panels.csv").await;
    assert_eq!(rows.len(), borough.organisation.panels.len());
    let (id, count) = (column(&header, "Panel id"), column(&header, "Decisions"));
    for row in &rows {
        let expected = decisions.iter().filter(|d| d.panel == row[id]).count();
        assert_eq!(
            row[count].parse::<usize>().unwrap(),
            expected,
            "{}",
            row[id]
        );
    }

    let (header, rows) = csv(&app, &client, "/panels/decisions.csv").await;
    assert_eq!(rows.len(), decisions.len());
    let dates: Vec<permanence_domain::Date> = rows
        .iter()
        .map(|r| permanence_domain::date::parse_dmy(&r[column(&header, "Date")]).unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "earliest first");

    // By panel, and by a range of days.
    let panel = &decisions[0].panel;
    let (_, rows) = csv(
        &app,
        &client,
        &format!("/panels/decisions.csv?panel={panel}"),
    )
    .await;
    assert_eq!(
        rows.len(),
        decisions.iter().filter(|d| d.panel == *panel).count()
    );
    let middle = dates[dates.len() / 2];
    let from = permanence_domain::date::format_dmy(middle);
    let (_, rows) = csv(
        &app,
        &client,
        &format!("/panels/decisions.csv?from={}", from.replace('/', "%2F")),
    )
    .await;
    assert_eq!(
        rows.len(),
        decisions.iter().filter(|d| d.date >= middle).count()
    );
    let (_, rows) = csv(&app, &client, &format!("/panels/decisions.csv?to={middle}")).await;
    assert_eq!(
        rows.len(),
        decisions.iter().filter(|d| d.date <= middle).count()
    );

    // A date that does not read is a problem on the form, not an empty list.
    let (status, page) = app.get(&client, "/panels?from=31%2F02%2F2024").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("There is a problem"));
    assert!(page.contains("<title>Error: Panels"));
    assert_eq!(
        app.get(&client, "/panels/decisions.csv?to=nonsense")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    // Overlaps: every child and question decided by more than one panel.
    let mut panels_by_question: BTreeMap<(&str, PanelQuestion), BTreeSet<&str>> = BTreeMap::new();
    for d in decisions
        .iter()
        .filter(|d| d.question != PanelQuestion::Other)
    {
        panels_by_question
            .entry((d.child.as_str(), d.question))
            .or_default()
            .insert(d.panel.as_str());
    }
    let expected: BTreeSet<(String, String)> = panels_by_question
        .iter()
        .filter(|(_, panels)| panels.len() > 1)
        .map(|((child, question), _)| (child.to_string(), question.label().to_string()))
        .collect();
    let (header, rows) = csv(&app, &client, "/panels/overlaps.csv").await;
    let (child, kind, questions) = (
        column(&header, "Child"),
        column(&header, "Overlap"),
        column(&header, "Questions"),
    );
    let same: BTreeSet<(String, String)> = rows
        .iter()
        .filter(|r| r[kind] == "Same question at more than one panel")
        .map(|r| (r[child].clone(), r[questions].clone()))
        .collect();
    assert_eq!(same, expected);
    if let Some((first, _)) = expected.iter().next() {
        assert!(page_has_overlap(&app, &client, first).await);
    }
    let log = app.store().audit_log(None).unwrap();
    assert!(log.iter().any(|e| e.action == "export_panel_decisions"));
    assert!(log.iter().any(|e| e.action == "export_panel_overlaps"));
}

async fn page_has_overlap(app: &TestApp, client: &reqwest::Client, child: &str) -> bool {
    let (_, page) = app.get(client, "/panels").await;
    let start = page
        .find("id=\"panel-overlaps\"")
        .expect("an overlaps table");
    page[start..].contains(&format!("href=\"/children/{child}\""))
}

#[tokio::test(flavor = "multi_thread")]
async fn restricted_children_are_left_out_of_every_oversight_list() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let restricted: Vec<&str> = borough
        .trackers
        .keys()
        .filter(|child| !borough.may_see(None, child))
        .map(String::as_str)
        .collect();
    let head = app.signed_in(Role::HeadOfService).await;
    for path in [
        "/drift.csv",
        "/panels/decisions.csv",
        "/panels/overlaps.csv",
    ] {
        let (header, rows) = csv(&app, &head, path).await;
        let child = column(&header, "Child");
        for row in rows {
            assert!(
                !restricted.contains(&row[child].as_str()),
                "{path} shows {}",
                row[child]
            );
        }
    }
    for path in ["/teams", "/drift", "/panels", "/iro"] {
        let (_, page) = app.get(&head, path).await;
        for child in &restricted {
            assert!(
                !page.contains(&format!("/children/{child}\"")),
                "{path} shows {child}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_oversight_route_is_checked_against_every_role() {
    let app = TestApp::start().await;
    let borough = borough(&app);
    let team = borough.organisation.teams[0].id.clone();
    let iro = busiest_iro(&borough);
    let teams_roles = |r: Role| {
        matches!(
            r,
            Role::TeamManager
                | Role::ServiceManager
                | Role::HeadOfService
                | Role::PerformanceAnalyst
        )
    };
    let iro_roles = |r: Role| matches!(r, Role::Iro | Role::IroManager | Role::HeadOfService);
    let every_iro = |r: Role| matches!(r, Role::IroManager | Role::HeadOfService);
    let panel_roles = |r: Role| r != Role::Administrator;
    let routes: Vec<(String, &dyn Fn(Role) -> bool)> = vec![
        ("/teams".into(), &teams_roles),
        ("/teams.csv".into(), &teams_roles),
        ("/teams/workers.csv".into(), &teams_roles),
        (format!("/teams/{team}"), &teams_roles),
        (format!("/teams/{team}/alerts.csv"), &teams_roles),
        ("/drift".into(), &teams_roles),
        ("/drift.csv".into(), &teams_roles),
        ("/iro".into(), &iro_roles),
        ("/iro.csv".into(), &iro_roles),
        // The test's IRO account is not linked to this IRO: only managers open it.
        (format!("/iro/{iro}"), &every_iro),
        (format!("/iro/{iro}/children.csv"), &every_iro),
        (format!("/iro/{iro}/challenges.csv"), &every_iro),
        ("/panels".into(), &panel_roles),
        ("/panels.csv".into(), &panel_roles),
        ("/panels/decisions.csv".into(), &panel_roles),
        ("/panels/overlaps.csv".into(), &panel_roles),
    ];
    for role in Role::ALL {
        let client = app.signed_in(*role).await;
        let (_, home) = app.get(&client, "/").await;
        assert_eq!(
            home.contains("href=\"/teams\""),
            teams_roles(*role),
            "{role:?} nav"
        );
        assert_eq!(
            home.contains("href=\"/iro\""),
            iro_roles(*role),
            "{role:?} nav"
        );
        assert_eq!(
            home.contains("href=\"/panels\""),
            panel_roles(*role),
            "{role:?} nav"
        );
        for (path, allowed) in &routes {
            let (status, body) = app.get(&client, path).await;
            let expected = if allowed(*role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{role:?} {path}");
            if !allowed(*role) {
                assert!(
                    !body.contains("/children/"),
                    "{role:?} {path}: a refusal shows no child"
                );
            }
        }
    }
    // Signed out: to the login page.
    let anonymous = TestApp::client();
    for (path, _) in &routes {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), "/login");
    }
}
