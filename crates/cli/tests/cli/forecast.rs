//! `permanence forecast`: the summary, the three CSV files and the HTML page from an
//! imported borough, the same bytes when run again, and clear refusals of bad input.

use super::{Workspace, permanence, stderr, stdout};

#[test]
fn a_forecast_prints_its_summary_and_writes_csv_and_html_the_same_twice() {
    let ws = Workspace::new();
    let returns = ws.synth(300, "2021-2026");
    assert!(ws.import(&returns).status.success());
    let csv = ws.path("forecast");
    let html = ws.path("forecast.html");
    let run = || {
        permanence(
            &ws.db(),
            &[
                "forecast",
                "--from",
                "2026-03-31",
                "--years",
                "2",
                "--csv",
                csv.to_str().unwrap(),
                "--html",
                html.to_str().unwrap(),
            ],
        )
    };
    let output = run();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "Demand forecast from 31/03/2026, 2 years ahead",
        "Fitted on 36 months of 903 history",
        "31/03/2027",
        "31/03/2028",
        "Foster care",
        "Children's home",
        "Back-test: the model fitted on the history up to 31/03/2025",
        "Back-test error: mean absolute percentage error",
        "3 CSV files written to",
        "Forecast written to",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }

    let forecast = std::fs::read_to_string(csv.join("forecast.csv")).unwrap();
    let mut lines = forecast.lines();
    assert_eq!(
        lines.next(),
        Some("date,age_band,placement_group,expected,lower,upper")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 25 * 5 * 7, "25 dates × 5 age bands × 7 groups");
    // The rows of the forecast date add up to the number looked after on it, which the
    // summary prints as "Now".
    let now: f64 = rows
        .iter()
        .filter(|r| r[0] == "31/03/2026")
        .map(|r| r[3].parse::<f64>().unwrap())
        .sum();
    let printed = text
        .lines()
        .find(|l| l.contains("Now"))
        .and_then(|l| l.split_whitespace().nth(3))
        .unwrap();
    assert_eq!(format!("{now:.0}"), printed, "{text}");
    for row in &rows {
        let [expected, lower, upper] = [3, 4, 5].map(|i| row[i].parse::<f64>().unwrap());
        assert!(lower <= expected && expected <= upper, "{row:?}");
    }
    let costs = std::fs::read_to_string(csv.join("costs.csv")).unwrap();
    assert!(
        costs.starts_with("year,from,to,placement_group,weekly_unit_cost,expected,lower,upper\n")
    );
    assert_eq!(costs.lines().count(), 1 + 2 * 8);
    let backtest = std::fs::read_to_string(csv.join("backtest.csv")).unwrap();
    assert_eq!(backtest.lines().count(), 13, "{backtest}");

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("role=\"img\""));
    assert!(page.contains("<title") && page.contains("<desc"));
    assert!(!page.contains("style=\""), "presentation attributes only");
    assert!(
        !page.contains("<script") && !page.contains("<link"),
        "self-contained"
    );

    let bytes = |name: &str| std::fs::read(csv.join(name)).unwrap();
    let first = (
        bytes("forecast.csv"),
        bytes("costs.csv"),
        std::fs::read(&html).unwrap(),
    );
    let again = run();
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&again), text);
    assert_eq!(
        first,
        (
            bytes("forecast.csv"),
            bytes("costs.csv"),
            std::fs::read(&html).unwrap()
        ),
        "the same seed gives the same forecast"
    );
}

#[test]
fn bad_forecast_requests_are_refused_with_clear_messages() {
    let ws = Workspace::new();
    let returns = ws.synth(60, "2024-2026");
    assert!(ws.import(&returns).status.success());
    let refused = |args: &[&str]| {
        let mut all = vec!["forecast"];
        all.extend_from_slice(args);
        let output = permanence(&ws.db(), &all);
        assert!(!output.status.success(), "{args:?} succeeded");
        stderr(&output)
    };
    for years in ["0", "6", "two"] {
        let message = refused(&["--from", "2026-03-31", "--years", years]);
        assert!(
            message.contains(&format!(
                "'{years}' is not a number of years to forecast; expected a whole number from 1 to 5"
            )),
            "{message}"
        );
    }
    let message = refused(&["--from", "31/13/2025", "--years", "1"]);
    assert!(message.contains("--from"), "{message}");
    assert!(message.contains("31/13/2025"), "{message}");
    let message = refused(&["--from", "yesterday", "--years", "1"]);
    assert!(
        message.contains("'yesterday' is not a date; expected yyyy-mm-dd (or dd/mm/yyyy)"),
        "{message}"
    );
    let message = refused(&["--from", "2001-01-01", "--years", "1"]);
    assert!(
        message
            .contains("there is no 903 history before 01/01/2001: the returns start on 01/04/2023"),
        "{message}"
    );
    let message = refused(&["--from", "2023-12-31", "--years", "1"]);
    assert!(
        message.contains("only 8 months of 903 history before 31/12/2023"),
        "{message}"
    );
    let message = refused(&["--from", "2030-01-01", "--years", "1"]);
    assert!(
        message.contains("01/01/2030 is after the 903 history ends (31/03/2026)"),
        "{message}"
    );
    let message = refused(&["--years", "1"]);
    assert!(message.contains("--from"), "{message}");

    // With too little history for the back-test, the forecast runs and says why.
    let output = permanence(
        &ws.db(),
        &["forecast", "--from", "2024-06-30", "--years", "1"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Back-test not run: the back-test needs 12 months of history"),
        "{}",
        stdout(&output)
    );

    let empty = Workspace::new();
    let output = permanence(
        &empty.db(),
        &["forecast", "--from", "2026-03-31", "--years", "1"],
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("there is no database"),
        "{}",
        stderr(&output)
    );
}
