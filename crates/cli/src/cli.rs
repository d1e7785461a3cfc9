//! The command-line interface: every command and option, with help written for the
//! people who run them (performance analysts, managers, administrators).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use permanence_domain::{CollectionYear, Date};
use permanence_store::Location;

/// Permanence: every looked-after child's journey through care, checked for drift.
///
/// Load the council's SSDA903 return (the children looked after return every council
/// sends the DfE), see each child's periods of care, placements and legal statuses,
/// and list children's status on any date.
#[derive(Debug, Parser)]
#[command(name = "permanence", version, max_term_width = 100)]
pub struct Cli {
    /// The database: a SQLite file (created on first import), or a PostgreSQL database
    /// given as `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (see docs/operations.md).
    #[arg(
        long,
        global = true,
        env = "PERMANENCE_DB",
        hide_env_values = true,
        default_value = "permanence.db",
        value_parser = parse_location
    )]
    pub db: Location,

    /// The council's policy file: thresholds, escalation ladder, which rules run, closure
    /// days. Default: permanence.toml in the working folder if there is one, else the
    /// documented defaults (see `permanence policy show`).
    #[arg(long, global = true, env = "PERMANENCE_POLICY")]
    pub policy: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a synthetic borough (2,000 fictional children, six years of history) into a
    /// fresh demo database, print a summary of it and a demo login per role, and serve
    /// the web application on it.
    Demo(DemoArgs),
    /// Load data into the database: the 903 return's CSV files, or the tracker's own
    /// records (plans, meetings, decisions, ...) from their CSV templates.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write data out of the database: the tracker's records as CSV templates, Ofsted's
    /// Annex A lists, or a de-identified export for regional analysis.
    #[command(subcommand)]
    Export(ExportCommand),
    /// List children with their status on a date (looked after, age, legal status,
    /// placement, days in care, placement moves in the last 12 months).
    Children(ChildrenArgs),
    /// Show one child's whole journey through care as a chronology.
    Child(ChildArgs),
    /// Check every child against the drift rules (reviews, young children in children's
    /// homes, placement moves, unlawful placements, care leavers, adoption timescales)
    /// and list what is overdue or due soon, most overdue first.
    Alerts(AlertsArgs),
    /// Evaluate every child today and record the alerts: open new ones, escalate them up
    /// the management line on the policy's timetable, close those whose rule no longer
    /// fires, keeping each alert's trail. The server does this at start-up, each day and
    /// after every change; this is for councils that prefer to run it from cron.
    Evaluate,
    /// Write the monthly or quarterly oversight report: headlines, permanence planning,
    /// stability, adoption, pre-proceedings and proceedings, oversight, life-story work,
    /// care leavers and trends, every figure as the records stood on the period's last day.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Copy the database to a new file while the server goes on using it: a consistent
    /// snapshot, compacted and integrity-checked. Restoring is replacing the database
    /// file with the copy while the server is stopped (docs/operations.md).
    Backup(BackupArgs),
    /// Bring the database's schema up to date: apply the migrations this version of
    /// Permanence has that the database lacks (run after installing a new version,
    /// before starting the server; creates a SQLite file, or the tables in an empty
    /// PostgreSQL database). Prints the schema version before and after.
    Migrate,
    /// Show or create the council's policy file.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Forecast the looked-after population 1 to 5 years ahead by age band and
    /// placement type, with uncertainty bands and the cost of placements, from a model
    /// fitted on the 903 history up to a date; back-tested on the year before it.
    Forecast(ForecastArgs),
    /// Write a synthetic borough's 903 returns (fictional children) as CSV files, one
    /// folder per collection year.
    Synth(SynthArgs),
    /// Serve the web application on the database (sign in with an account made by
    /// `permanence users add`).
    Serve(ServeArgs),
    /// Manage the web application's accounts.
    #[command(subcommand)]
    Users(UsersCommand),
}

/// Options of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write the copy to; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,
}

/// Which report.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The report for a calendar month.
    Monthly {
        /// The month, written YYYY-MM (for example 2026-10).
        #[arg(long, value_parser = permanence_reports::Period::month)]
        month: permanence_reports::Period,
        /// Where the report goes.
        #[command(flatten)]
        output: ReportOutput,
    },
    /// The report for a calendar quarter.
    Quarterly {
        /// The quarter, written YYYY-Qn (for example 2026-Q3: July to September 2026).
        #[arg(long, value_parser = permanence_reports::Period::quarter)]
        quarter: permanence_reports::Period,
        /// Where the report goes.
        #[command(flatten)]
        output: ReportOutput,
    },
}

/// Where a report goes. With neither option the headline figures are printed.
#[derive(Debug, Args)]
pub struct ReportOutput {
    /// Write the report as one self-contained HTML file (charts included; prints on A4).
    #[arg(long, value_name = "FILE.html")]
    pub out: Option<std::path::PathBuf>,
    /// Write every table of the report as CSV into this folder (headlines.csv and one
    /// file per table; created if missing).
    #[arg(long, value_name = "DIR")]
    pub csv: Option<std::path::PathBuf>,
}

/// Options of `forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// The forecast date: the model is fitted on the history up to it and projects from
    /// the children looked after on it (yyyy-mm-dd or dd/mm/yyyy). An earlier date
    /// gives the forecast that would have been made then, so back-tests are one command.
    #[arg(long, value_parser = parse_date)]
    pub from: Date,
    /// Years ahead, 1 to 5.
    #[arg(long, value_parser = parse_forecast_years)]
    pub years: u32,
    /// Write forecast.csv (date, age band, placement group: expected, lower, upper),
    /// costs.csv and backtest.csv into this folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Write the forecast as one self-contained HTML page with charts.
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<PathBuf>,
    /// The seed of the bootstrap's random draws: the same seed gives the same bands.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Parses the years of a forecast: a whole number from 1 to 5.
pub fn parse_forecast_years(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(years @ 1..=5) => Ok(years),
        _ => Err(format!(
            "'{text}' is not a number of years to forecast; expected a whole number from 1 to 5"
        )),
    }
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,

    /// Serve for plain HTTP: send cookies without `Secure` and leave out
    /// `Strict-Transport-Security`. Only for a server reached without HTTPS, such as on
    /// this computer; otherwise put HTTPS in front of it and leave this out.
    #[arg(long)]
    pub insecure_cookies: bool,

    /// The address of a reverse proxy in front of the server (repeat it, or separate
    /// them with commas, for several): sign-ins through it are counted by the address
    /// its `X-Forwarded-For` header gives, so that login throttling limits each
    /// client rather than the proxy. Without it the header is ignored.
    #[arg(
        long = "trusted-proxy",
        value_name = "IP",
        env = "PERMANENCE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// What to do with accounts.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account. The password is asked for (not shown as it is typed), or read
    /// from standard input with --password-stdin.
    Add(UsersAddArgs),
    /// List the accounts: username, name, role, staff id, whether disabled.
    List,
    /// Disable an account (it can no longer sign in; its sessions end).
    Disable {
        /// The account's username.
        username: String,
    },
    /// Give an account a new password (its sessions end).
    ResetPassword {
        /// The account's username.
        username: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Options of `users add`.
#[derive(Debug, Args)]
pub struct UsersAddArgs {
    /// The name to sign in with.
    pub username: String,
    /// The name shown on pages, e.g. "Joy Ward".
    #[arg(long)]
    pub name: String,
    /// The role: social_worker, team_manager, service_manager, head_of_service, iro,
    /// iro_manager, fostering_adoption_worker, performance_analyst or administrator.
    #[arg(long)]
    pub role: String,
    /// The person's id in the tracker's staff register (people.csv), which links the
    /// account to the alerts and children the person owns.
    #[arg(long)]
    pub staff_id: Option<String>,
    /// Read the password from the first line of standard input instead of asking.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Options of `alerts`.
#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// The date to evaluate on (yyyy-mm-dd or dd/mm/yyyy): any past day gives the answer
    /// the rules would have given then. Default: today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Only these rules (e.g. --rule REV-01 --rule PERM-04), even if the policy switches
    /// them off.
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,

    /// Only this child.
    #[arg(long, value_name = "ID")]
    pub child: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// What to do with the policy file.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the policy in force, every default filled in.
    Show,
    /// Write a commented policy file with the defaults, to edit.
    Init {
        /// Where to write it.
        #[arg(long, default_value = "permanence.toml")]
        out: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print the rules' documentation (as in docs/rules.md) for the policy in force.
    Rules,
}

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import SSDA903 CSV files: header.csv, episodes.csv, reviews.csv and the other
    /// tables, recognised by their columns. Several years load into one history.
    ///
    /// Every problem is reported with its file, line and column, and nothing is written
    /// unless every file is right. Importing the same files again changes nothing.
    #[command(name = "903")]
    Ssda903(ImportArgs),
    /// Import the tracker's own records: staff, teams, allocations, permanence plans,
    /// meetings, family finding, decisions, IRO challenges, panels, activity,
    /// proceedings and more, one record type per CSV file, recognised by its columns
    /// (the templates are in docs/tracker-templates.md; `permanence export tracker`
    /// writes them).
    ///
    /// Every problem is reported with its file, line and column, and nothing is written
    /// unless every file is right. A row whose key is already stored with other values
    /// is a correction: it supersedes the stored record, which is kept. Importing the
    /// same files again changes nothing.
    Tracker(ImportTrackerArgs),
    /// Import a council's own Ofsted Annex A workbook (.xlsx, .xls or .ods) to bootstrap
    /// the tracker: List 8's and List 9's allocated workers become allocations (with the
    /// staff and teams the register lacks) and List 8's permanence plans become plan
    /// versions, for children already in the 903 data. List 10 is checked.
    ///
    /// Sheets are recognised by their headings, whatever they are called. Every problem
    /// is reported with its sheet, row and column, and nothing is written unless the
    /// whole workbook is right. Importing the same workbook again changes nothing.
    #[command(name = "annex-a")]
    AnnexA(ImportAnnexAArgs),
}

/// Options of `import annex-a`.
#[derive(Debug, Args)]
pub struct ImportAnnexAArgs {
    /// The workbook.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The date the workbook is as at (yyyy-mm-dd or dd/mm/yyyy): allocations start and
    /// plans are recorded as decided on it. Default: today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Check the workbook and report what would be imported, without writing anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Why these records are recorded, kept with every record written. Default:
    /// "bootstrapped from Annex A workbook FILE".
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// Options of `import tracker`.
#[derive(Debug, Args)]
pub struct ImportTrackerArgs {
    /// Files, or folders to search (with their sub-folders) for .csv files. Staff and
    /// teams may be in the same import as the records naming them, in any order.
    #[arg(required = true, value_name = "FILE_OR_FOLDER")]
    pub paths: Vec<PathBuf>,

    /// Check the files and report what would be imported, without writing anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Why these records are recorded or corrected, kept with every record written.
    /// Default: "imported from FILE" for a new record, "re-imported from FILE" for a
    /// correction.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write every current tracker record as CSV files, one per template (people.csv,
    /// permanence_plans.csv, ...), in the form `import tracker` reads: importing them
    /// again changes nothing. Templates with no records are written as their header
    /// row alone.
    Tracker(ExportTrackerArgs),
    /// Write Ofsted's Annex A for an inspection: Lists 8 (children in care), 9 (care
    /// leavers) and 10 (children with an adoption decision) as at a date, with the
    /// six-month look-back, as an Excel workbook with a cover sheet (--out) and/or one
    /// CSV file per list (--csv). Lists 1 to 7 and 11 need data this system does not
    /// hold; the cover sheet says so. Every child is included, restricted records too.
    #[command(name = "annex-a")]
    AnnexA(ExportAnnexAArgs),
    /// Write a de-identified export for regional analysis: journeys, plans and alerts
    /// with each child id replaced by a keyed pseudonym, dates of birth reduced to month
    /// and year, postcodes to their district, names, staff and free text removed, and a
    /// manifest.json saying what was removed. Restricted records are left out.
    Deidentified(ExportDeidentifiedArgs),
}

/// Options of `export annex-a`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("output").required(true).multiple(true).args(["out", "csv"]))]
pub struct ExportAnnexAArgs {
    /// The date the lists are as at (yyyy-mm-dd or dd/mm/yyyy): the end of the six-month
    /// window. Default: today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// The workbook to write (.xlsx; replaced if it exists).
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,

    /// A folder to write one CSV file per list into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,

    /// The council's name, written as "LA of Placement" for placements inside it.
    #[arg(long, value_name = "NAME")]
    pub council: Option<String>,

    /// The postcode districts inside the authority, e.g. RM8,RM9,IG11 (for "Placement
    /// Location"). Default: the districts holding at least 2% of the children's home
    /// postcodes.
    #[arg(long, value_name = "DISTRICTS", value_delimiter = ',')]
    pub districts: Option<Vec<String>>,
}

/// Options of `export deidentified`.
#[derive(Debug, Args)]
pub struct ExportDeidentifiedArgs {
    /// The folder to write into (created if needed; files of the same names are replaced).
    #[arg(long)]
    pub out: PathBuf,

    /// A file holding the council's secret pseudonym key (at least 32 characters). The
    /// same key gives the same pseudonyms in every export. Default: the
    /// PERMANENCE_EXPORT_KEY environment variable, or else the file export.key beside the
    /// database (where the web application finds it too).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

/// Options of `export tracker`.
#[derive(Debug, Args)]
pub struct ExportTrackerArgs {
    /// The folder to write into (created if needed; files of the same names are replaced).
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `import 903`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files, or folders to search (with their sub-folders) for .csv files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The collection year, named by the year it ends: 2026 is 2025/26 (April 2025 to
    /// March 2026). Without it, the year is read from each folder or file name
    /// (2025_26, 2025-26, 202526 or 2026).
    #[arg(long, value_parser = parse_year)]
    pub year: Option<CollectionYear>,

    /// Check the files and report what would be imported, without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

/// How to print a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table to read on screen.
    Table,
    /// Comma-separated values, for spreadsheets.
    Csv,
    /// JSON, for other programs.
    Json,
}

/// How to print one child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChildFormat {
    /// A readable chronology.
    Text,
    /// JSON, for other programs.
    Json,
}

/// Options of `children`.
#[derive(Debug, Args)]
pub struct ChildrenArgs {
    /// The date to report on (yyyy-mm-dd or dd/mm/yyyy). Default: today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Only children looked after on that date.
    #[arg(long)]
    pub looked_after: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Options of `child`.
#[derive(Debug, Args)]
pub struct ChildArgs {
    /// The child's id (the 903 CHILD id).
    pub id: String,

    /// The date to state the child's current facts on (yyyy-mm-dd or dd/mm/yyyy). Default: today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ChildFormat::Text)]
    pub format: ChildFormat,
}

/// Options of `synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// How many children the borough's history holds.
    #[arg(long, default_value_t = 2000)]
    pub children: usize,

    /// The random seed: the same seed always gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Collection years to write, by end year: 2021-2026 is 2020/21 to 2025/26.
    #[arg(long, value_parser = parse_year_range, default_value = "2021-2026")]
    pub years: (CollectionYear, CollectionYear),

    /// The folder to write into (one sub-folder per year, e.g. 2025_26).
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder for the demo's files and database. It is emptied and rebuilt.
    #[arg(long, default_value = "permanence-demo")]
    pub dir: PathBuf,

    /// How many children the synthetic borough holds.
    #[arg(long, default_value_t = 2000)]
    pub children: usize,

    /// The random seed.
    #[arg(long, default_value_t = 2022)]
    pub seed: u64,

    /// The address and port to serve the web application on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,

    /// Build the demo and stop, without serving it.
    #[arg(long)]
    pub no_serve: bool,
}

/// Parses a date given as yyyy-mm-dd or dd/mm/yyyy.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    if text.contains('/') {
        permanence_domain::date::parse_dmy(text).map_err(|e| e.to_string())
    } else {
        text.parse::<Date>()
            .map_err(|_| format!("'{text}' is not a date; expected yyyy-mm-dd (or dd/mm/yyyy)"))
    }
}

/// Parses a collection year given by its end year (2026) or as 2025/26, 2025_26 or 2025-26.
pub fn parse_year(text: &str) -> Result<CollectionYear, String> {
    let error = || {
        format!("'{text}' is not a collection year; give the year it ends, e.g. 2026 for 2025/26")
    };
    let text = text.trim();
    let year = match text.split(['/', '_', '-']).collect::<Vec<_>>().as_slice() {
        [end] => end.parse::<i16>().map_err(|_| error())?,
        [start, end] if end.len() == 2 => {
            let start: i16 = start.parse().map_err(|_| error())?;
            let end: i16 = end.parse().map_err(|_| error())?;
            if (start + 1) % 100 != end {
                return Err(error());
            }
            start + 1
        }
        _ => return Err(error()),
    };
    let year = CollectionYear(year);
    if !year.is_supported() {
        return Err(format!(
            "collection year {year} is not supported; this system knows {} to {}",
            CollectionYear::EARLIEST,
            CollectionYear::LATEST
        ));
    }
    Ok(year)
}

/// Parses a range of collection years such as 2021-2026 (end years).
pub fn parse_year_range(text: &str) -> Result<(CollectionYear, CollectionYear), String> {
    let (first, last) = text
        .split_once(['-', '.', ':'])
        .filter(|(a, b)| a.len() == 4 && b.trim_start_matches('.').len() == 4)
        .ok_or_else(|| format!("'{text}' is not a range of years; expected e.g. 2021-2026"))?;
    let first = parse_year(first)?;
    let last = parse_year(last.trim_start_matches('.'))?;
    if first > last {
        return Err(format!("'{text}': the first year is after the last"));
    }
    Ok((first, last))
}

fn parse_location(text: &str) -> Result<Location, std::convert::Infallible> {
    Ok(Location::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("2026-03-31"), Ok(Date::constant(2026, 3, 31)));
        assert_eq!(parse_date("31/03/2026"), Ok(Date::constant(2026, 3, 31)));
        assert!(parse_date("31/02/2026").is_err());
        assert!(parse_date("tomorrow").is_err());
    }

    #[test]
    fn years_in_every_form() {
        for text in ["2026", "2025/26", "2025_26", "2025-26"] {
            assert_eq!(parse_year(text), Ok(CollectionYear(2026)), "{text}");
        }
        assert!(parse_year("2025/27").is_err());
        assert!(parse_year("1990").is_err());
        assert_eq!(
            parse_year_range("2021-2026"),
            Ok((CollectionYear(2021), CollectionYear(2026)))
        );
        assert!(parse_year_range("2026-2021").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
