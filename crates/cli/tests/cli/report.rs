//! `permanence report monthly|quarterly`: the report file and its CSV tables from an
//! imported borough, the same bytes when run again, and clear refusals.

use super::{Workspace, permanence, stderr, stdout};

#[test]
fn a_monthly_report_writes_its_file_and_csv_and_runs_the_same_twice() {
    let ws = Workspace::new();
    let returns = ws.synth(300, "2024-2026");
    assert!(ws.import(&returns).status.success());
    let html = ws.path("february.html");
    let csv = ws.path("february");
    let run = || {
        permanence(
            &ws.db(),
            &[
                "report",
                "monthly",
                "--month",
                "2026-02",
                "--out",
                html.to_str().unwrap(),
                "--csv",
                csv.to_str().unwrap(),
            ],
        )
    };
    let output = run();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Monthly oversight report: February 2026"),
        "{text}"
    );
    assert!(
        text.contains("Figures as the records stood on 28 February 2026."),
        "{text}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
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
    assert!(
        page.contains("<style>") && page.contains("<svg"),
        "self-contained"
    );
    assert!(
        !page.contains("<link") && !page.contains("<script"),
        "nothing to fetch"
    );
    let headlines = std::fs::read_to_string(csv.join("headlines.csv")).unwrap();
    let mut lines = headlines.lines();
    assert_eq!(lines.next(), Some("measure,value"));
    let measures: Vec<(String, String)> = lines
        .map(|l| {
            let (m, v) = l.split_once(',').unwrap();
            (m.to_string(), v.to_string())
        })
        .collect();
    for key in [
        "looked_after_at_period_end",
        "started_in_period",
        "ceased_in_period",
    ] {
        let value = &measures.iter().find(|(m, _)| m == key).unwrap().1;
        assert!(value.parse::<usize>().is_ok(), "{key}: {value}");
    }
    assert!(csv.join("stability_indicators.csv").exists());
    assert!(csv.join("trends.csv").exists());

    // Run again: the same bytes.
    let first = (page, headlines);
    assert!(run().status.success());
    assert_eq!(
        first,
        (
            std::fs::read_to_string(&html).unwrap(),
            std::fs::read_to_string(csv.join("headlines.csv")).unwrap()
        )
    );

    // A quarter prints its headlines.
    let output = permanence(&ws.db(), &["report", "quarterly", "--quarter", "2025-Q4"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Q4 2025 (1 October 2025 to 31 December 2025)"));
}

#[test]
fn bad_periods_and_missing_databases_are_refused_clearly() {
    let ws = Workspace::new();
    let output = permanence(&ws.db(), &["report", "monthly", "--month", "2026-13"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("'2026-13' is not a month written YYYY-MM, for example 2026-10"),
        "{}",
        stderr(&output)
    );
    let output = permanence(&ws.db(), &["report", "quarterly", "--quarter", "2026-Q5"]);
    assert!(stderr(&output).contains("YYYY-Qn"), "{}", stderr(&output));
    let output = permanence(&ws.db(), &["report", "monthly", "--month", "2026-10"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("there is no database"),
        "{}",
        stderr(&output)
    );
    let returns = ws.synth(40, "2025-2026");
    assert!(ws.import(&returns).status.success());
    let output = permanence(&ws.db(), &["report", "monthly", "--month", "2199-01"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("January 2199 has not started yet"),
        "{}",
        stderr(&output)
    );
}
