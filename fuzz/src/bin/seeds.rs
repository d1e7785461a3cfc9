//! Writes the fuzz targets' seed corpora from the synthetic borough and the tracker
//! templates' examples (only synthetic data): `seeds [DIR]` writes `DIR/<target>/seed-*` (DIR defaults to `corpus` beside
//! this crate's manifest), replacing earlier seeds and leaving what libFuzzer added.
//! Every "accepted" seed is checked to pass its target's whole path, so the fuzzer
//! starts from inputs that reach the deepest code.

use std::path::{Path, PathBuf};

use permanence_fuzz::{FILE_SEPARATOR, borough, year_byte};
use permanence_tracker::TEMPLATES;

fn main() {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let borough = borough();
    let scratch =
        std::env::temp_dir().join(format!("permanence-fuzz-seeds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);

    // 903: the borough's returns (every year, one year, one table of the last year).
    let dir = root.join("ssda903");
    clear_seeds(&dir);
    permanence_synth::write_returns(&borough.config, &borough.records, &scratch.join("903"))
        .expect("903 files");
    let mut all = Vec::new();
    for year in borough.config.years() {
        let folder = scratch
            .join("903")
            .join(permanence_synth::year_folder(year));
        let mut year_files = Vec::new();
        for path in sorted_files(&folder) {
            let mut file = vec![year_byte(year)];
            file.extend(std::fs::read(&path).expect("a 903 file"));
            if year == borough.config.last_year {
                let table = path.file_stem().unwrap().to_string_lossy().into_owned();
                write(&dir, &format!("seed-{table}"), &file);
            }
            year_files.push(file);
        }
        let joined = year_files.join(&FILE_SEPARATOR);
        accepted("ssda903", &joined, permanence_fuzz::ssda903(&joined));
        write(&dir, &format!("seed-year-{}", year.0), &joined);
        all.extend(year_files);
    }
    let joined = all.join(&FILE_SEPARATOR);
    accepted("ssda903", &joined, permanence_fuzz::ssda903(&joined));
    write(&dir, "seed-borough", &joined);

    // Tracker: each template's example row, each of the borough's files, and all of them.
    let dir = root.join("tracker");
    clear_seeds(&dir);
    let mut examples = Vec::new();
    for template in &TEMPLATES {
        let mut text = template.column_names().join(",");
        text.push('\n');
        let values: Vec<String> = template.example.iter().map(|v| quote(v)).collect();
        text.push_str(&values.join(","));
        text.push('\n');
        write(
            &dir,
            &format!("seed-example-{}", template.name),
            text.as_bytes(),
        );
        if template.name == "people" {
            // The staff the other templates' examples name, so that all of them together
            // are accepted.
            text.push_str(
                "TM0003,Alex Example,team_manager,CIC2,,01/01/2020,\n\
                 FW0004,Jo Example,fostering_worker,,,01/01/2020,\n\
                 IRO0002,Kim Example,iro,,,01/01/2020,\n\
                 HOS0001,Lee Example,head_of_service,,,01/01/2020,\n",
            );
        }
        examples.push(text.into_bytes());
    }
    let joined = examples.join(&FILE_SEPARATOR);
    accepted("tracker", &joined, permanence_fuzz::tracker(&joined));
    write(&dir, "seed-examples", &joined);
    // The borough's files, each cut to its first rows to keep the inputs small (all of
    // them together are 80 kB; the examples above are the seed every check accepts).
    let tracker = scratch.join("tracker");
    permanence_tracker::write_records(&tracker, &borough.stored).expect("tracker files");
    for path in sorted_files(&tracker) {
        let text = std::fs::read_to_string(&path).expect("a tracker file");
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let lines: Vec<&str> = text.lines().take(1 + 8).collect();
        write(
            &dir,
            &format!("seed-{name}"),
            format!("{}\n", lines.join("\n")).as_bytes(),
        );
    }

    // Annex A: the exporter's workbook, as a file and as its parts.
    let dir = root.join("annex_a");
    clear_seeds(&dir);
    let mut file = vec![0];
    file.extend(&borough.workbook);
    accepted("annex_a", &file, permanence_fuzz::annex_a(&file));
    write(&dir, "seed-xlsx", &file);
    let mut parts = vec![1];
    parts.extend(permanence_fuzz::workbook_pieces());
    accepted("annex_a", &parts, permanence_fuzz::annex_a(&parts));
    write(&dir, "seed-parts", &parts);

    let _ = std::fs::remove_dir_all(&scratch);
}

/// Removes the seeds written before (libFuzzer's own files are kept).
fn clear_seeds(dir: &Path) {
    std::fs::create_dir_all(dir).expect("corpus folder");
    for entry in std::fs::read_dir(dir).expect("corpus folder") {
        let path = entry.expect("an entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))
        {
            std::fs::remove_file(&path).expect("an old seed");
        }
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("a seed");
    println!("{:>8} bytes  {}", bytes.len(), dir.join(name).display());
}

fn accepted(target: &str, data: &[u8], accepted: bool) {
    assert!(
        accepted,
        "a {target} seed is refused: {}",
        String::from_utf8_lossy(&data[..data.len().min(2000)])
    );
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn quote(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}
