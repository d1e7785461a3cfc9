//! `permanence synth`: write a synthetic borough's 903 returns.

use std::io::Write;

use permanence_synth::SynthConfig;

use crate::cli::SynthArgs;

pub(crate) fn run(args: &SynthArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let config = SynthConfig {
        children: args.children,
        seed: args.seed,
        first_year: args.years.0,
        last_year: args.years.1,
    };
    permanence_synth::write_borough(&config, &args.out)?;
    writeln!(
        out,
        "Wrote the 903 returns of a synthetic borough ({} fictional children, seed {}) for {} to {} into {}.",
        args.children,
        args.seed,
        args.years.0,
        args.years.1,
        args.out.display()
    )?;
    Ok(())
}
