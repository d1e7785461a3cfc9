//! `permanence policy show|init|rules`, and loading the policy every command uses.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use permanence_rules::Policy;

/// The file read when no `--policy` is given, if it exists.
const DEFAULT_POLICY_FILE: &str = "permanence.toml";

/// The policy in force: the file given, else `permanence.toml` if present, else defaults.
pub(crate) fn load(path: Option<&Path>) -> anyhow::Result<Policy> {
    let path = match path {
        Some(path) => path,
        None if Path::new(DEFAULT_POLICY_FILE).exists() => Path::new(DEFAULT_POLICY_FILE),
        None => return Ok(Policy::default()),
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the policy file {}", path.display()))?;
    Policy::from_toml_str(&text).map_err(|error| {
        let problems: Vec<String> = error
            .problems
            .iter()
            .map(|p| format!("  {}: {p}", path.display()))
            .collect();
        anyhow::anyhow!("the policy file is not valid:\n{}", problems.join("\n"))
    })
}

pub(crate) fn show(path: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<()> {
    write!(out, "{}", load(path)?.to_toml())?;
    Ok(())
}

pub(crate) fn init(path: &Path, force: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists; give --force to replace it",
            path.display()
        );
    }
    std::fs::write(path, Policy::commented_template())
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(
        out,
        "Wrote {} with every setting at its default. Edit it, then check it with `permanence policy show`.",
        path.display()
    )?;
    Ok(())
}

pub(crate) fn rules(path: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<()> {
    write!(out, "{}", permanence_rules::rules_markdown(&load(path)?))?;
    Ok(())
}
