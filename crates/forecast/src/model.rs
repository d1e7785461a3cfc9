//! The stock-and-flow model: monthly rates fitted on the history's months, and one
//! month's step of the population under them.
//!
//! From each state (age band × placement group) a child in a month either stays, moves
//! to another state (a change of placement group, ageing into the next band, or both)
//! or leaves care by one of the exit routes; those are *rates*, the share of the
//! children in the state at the month's start. Entries are *counts*: children coming
//! into care in a month, by the state they are in at its end. The pooled rates are the
//! flows of every fitted month over the children at risk in every fitted month (a
//! child-month exposure); each month's own rates are kept for the bootstrap.

use crate::history::{BANDS, History, Month, ROUTES, STATES, band_of, group_of, state_index};

/// One set of rates: what a month does to the population.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// `transitions[i][j]`: the share of children in state `i` at a month's start who
    /// are in state `j` at its end (`i == j`: stayed).
    pub transitions: Vec<[f64; STATES]>,
    /// `exits[i][r]`: the share of children in state `i` who leave care by route `r`
    /// in the month. Each row of `transitions` and `exits` together sums to 1.
    pub exits: Vec<[f64; ROUTES]>,
    /// Children coming into care in the month, by their state at its end.
    pub entries: [f64; STATES],
}

/// What one month does to a population.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The population at the month's end, by state.
    pub stock: [f64; STATES],
    /// Children leaving care in the month, by route.
    pub exits: [f64; ROUTES],
    /// Children coming into care in the month.
    pub entries: f64,
}

impl Rates {
    /// The population a month after `stock`, with the month's exits and entries.
    pub fn step(&self, stock: &[f64; STATES]) -> Step {
        let mut next = self.entries;
        let mut exits = [0.0; ROUTES];
        for (i, &n) in stock.iter().enumerate() {
            if n == 0.0 {
                continue;
            }
            for (to, share) in next.iter_mut().zip(&self.transitions[i]) {
                *to += n * share;
            }
            for (route, share) in exits.iter_mut().zip(&self.exits[i]) {
                *route += n * share;
            }
        }
        Step {
            stock: next,
            exits,
            entries: self.entries.iter().sum(),
        }
    }
}

/// The fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Rates pooled over every fitted month; entries are the mean a month.
    pub pooled: Rates,
    /// Each fitted month's own rates (a state with nobody in it at the month's start
    /// takes the pooled rates), oldest first: what the bootstrap draws from.
    pub monthly: Vec<Rates>,
    /// Child-months at risk in each state over the fitted months.
    pub exposure: [f64; STATES],
}

/// Fits the model on the history's months.
pub fn fit(history: &History) -> Model {
    let months = &history.months;
    let count = months.len().max(1) as f64;
    let mut exposure = [0.0; STATES];
    let mut moves = vec![[0.0; STATES]; STATES];
    let mut exits = vec![[0.0; ROUTES]; STATES];
    let mut entries = [0.0; STATES];
    for month in months {
        for i in 0..STATES {
            exposure[i] += month.stock[i];
            entries[i] += month.entries[i] / count;
            add(&mut moves[i], &month.moves[i]);
            add(&mut exits[i], &month.exits[i]);
        }
    }
    let fallback = band_rates(&exposure, &moves, &exits);
    let mut pooled = Rates {
        transitions: vec![[0.0; STATES]; STATES],
        exits: vec![[0.0; ROUTES]; STATES],
        entries,
    };
    for i in 0..STATES {
        if exposure[i] > 0.0 {
            pooled.transitions[i] = shares(&moves[i], exposure[i]);
            pooled.exits[i] = shares(&exits[i], exposure[i]);
        } else {
            pooled.transitions[i] = fallback.transitions[i];
            pooled.exits[i] = fallback.exits[i];
        }
    }
    let monthly = months.iter().map(|m| month_rates(m, &pooled)).collect();
    Model {
        pooled,
        monthly,
        exposure,
    }
}

/// Adds `from` into `to`, element by element.
fn add<const N: usize>(to: &mut [f64; N], from: &[f64; N]) {
    for (t, f) in to.iter_mut().zip(from) {
        *t += f;
    }
}

/// Each count as a share of `total`.
fn shares<const N: usize>(counts: &[f64; N], total: f64) -> [f64; N] {
    counts.map(|n| n / total)
}

/// One month's own rates; states empty at its start take the pooled rates.
fn month_rates(month: &Month, pooled: &Rates) -> Rates {
    let mut rates = Rates {
        transitions: pooled.transitions.clone(),
        exits: pooled.exits.clone(),
        entries: month.entries,
    };
    for i in 0..STATES {
        let n = month.stock[i];
        if n > 0.0 {
            rates.transitions[i] = shares(&month.moves[i], n);
            rates.exits[i] = shares(&month.exits[i], n);
        }
    }
    rates
}

/// Rates for states nobody was in during the fitted months (a child can still arrive
/// there, by entering or ageing): the age band's exit rates by route and its rate of
/// ageing into the next band (keeping the placement group), everything else staying.
/// A band nobody was in keeps its children.
fn band_rates(exposure: &[f64; STATES], moves: &[[f64; STATES]], exits: &[[f64; ROUTES]]) -> Rates {
    let mut band_exposure = [0.0; BANDS];
    let mut band_exits = [[0.0; ROUTES]; BANDS];
    let mut band_ageing = [0.0; BANDS];
    for i in 0..STATES {
        let band = band_of(i);
        band_exposure[band] += exposure[i];
        add(&mut band_exits[band], &exits[i]);
        for (j, n) in moves[i].iter().enumerate() {
            if band_of(j) > band {
                band_ageing[band] += n;
            }
        }
    }
    let mut rates = Rates {
        transitions: vec![[0.0; STATES]; STATES],
        exits: vec![[0.0; ROUTES]; STATES],
        entries: [0.0; STATES],
    };
    for i in 0..STATES {
        let band = band_of(i);
        let at_risk = band_exposure[band];
        let mut stay = 1.0;
        if at_risk > 0.0 {
            rates.exits[i] = shares(&band_exits[band], at_risk);
            stay -= rates.exits[i].iter().sum::<f64>();
            if band + 1 < BANDS {
                let ageing = band_ageing[band] / at_risk;
                rates.transitions[i][state_index(band + 1, group_of(i))] = ageing;
                stay -= ageing;
            }
        }
        rates.transitions[i][i] = stay.max(0.0);
    }
    rates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_keeps_everyone_when_nobody_moves() {
        let mut transitions = vec![[0.0; STATES]; STATES];
        for (i, row) in transitions.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        let rates = Rates {
            transitions,
            exits: vec![[0.0; ROUTES]; STATES],
            entries: [0.0; STATES],
        };
        let mut stock = [0.0; STATES];
        stock[3] = 4.0;
        stock[20] = 6.0;
        let step = rates.step(&stock);
        assert_eq!(step.stock, stock);
        assert_eq!(step.exits, [0.0; ROUTES]);
        assert_eq!(step.entries, 0.0);
    }
}
