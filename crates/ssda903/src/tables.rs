//! The tables of the 903 return and their exact DfE column names.

use permanence_domain::CollectionYear;

/// A table of the 903 return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Table {
    /// Header: one row per child.
    Header,
    /// Episodes of care.
    Episodes,
    /// Looked-after reviews.
    Reviews,
    /// Unaccompanied asylum-seeking children.
    Uasc,
    /// Outcomes for children looked after 12 months.
    Oc2,
    /// Care-leaver outcomes.
    Oc3,
    /// Adoption milestones.
    Ad1,
    /// Decisions to place for adoption.
    PlacedAdoption,
    /// Previous permanence.
    PrevPerm,
    /// Missing and away episodes.
    Missing,
    /// Social-worker episodes (from 2023/24).
    SwEpisodes,
    /// Deprivation of liberty (2026/27 rules).
    DoLo,
}

impl Table {
    /// Every table, in the order summaries list them.
    pub const ALL: [Table; 12] = [
        Table::Header,
        Table::Episodes,
        Table::Reviews,
        Table::Uasc,
        Table::Oc2,
        Table::Oc3,
        Table::Ad1,
        Table::PlacedAdoption,
        Table::PrevPerm,
        Table::Missing,
        Table::SwEpisodes,
        Table::DoLo,
    ];

    /// The exact DfE column names, in the DfE order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Header => &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            Table::Episodes => &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ],
            Table::Reviews => &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
            Table::Uasc => &["CHILD", "SEX", "DOB", "DUC"],
            Table::Oc2 => &[
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ],
            Table::Oc3 => &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
            Table::Ad1 => &[
                "CHILD",
                "DOB",
                "DATE_INT",
                "DATE_MATCH",
                "FOSTER_CARE",
                "NB_ADOPTR",
                "SEX_ADOPTR",
                "LS_ADOPTR",
            ],
            Table::PlacedAdoption => &[
                "CHILD",
                "DOB",
                "DATE_PLACED",
                "DATE_PLACED_CEASED",
                "REASON_PLACED_CEASED",
            ],
            Table::PrevPerm => &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
            Table::Missing => &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
            Table::SwEpisodes => &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
            Table::DoLo => &["CHILD", "DOB", "DOLO_START", "DOLO_END"],
        }
    }

    /// The DfE name of the table.
    pub fn name(self) -> &'static str {
        match self {
            Table::Header => "Header",
            Table::Episodes => "Episodes",
            Table::Reviews => "Reviews",
            Table::Uasc => "UASC",
            Table::Oc2 => "OC2",
            Table::Oc3 => "OC3",
            Table::Ad1 => "AD1",
            Table::PlacedAdoption => "PlacedAdoption",
            Table::PrevPerm => "PrevPerm",
            Table::Missing => "Missing",
            Table::SwEpisodes => "SWEpisodes",
            Table::DoLo => "DoLo",
        }
    }

    /// The usual file name councils give the table.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Header => "header.csv",
            Table::Episodes => "episodes.csv",
            Table::Reviews => "reviews.csv",
            Table::Uasc => "uasc.csv",
            Table::Oc2 => "oc2.csv",
            Table::Oc3 => "oc3.csv",
            Table::Ad1 => "ad1.csv",
            Table::PlacedAdoption => "placed_for_adoption.csv",
            Table::PrevPerm => "previous_permanence.csv",
            Table::Missing => "missing.csv",
            Table::SwEpisodes => "sw_episodes.csv",
            Table::DoLo => "DoLo.csv",
        }
    }

    /// The first collection year whose return has this table.
    pub fn first_year(self) -> CollectionYear {
        match self {
            Table::SwEpisodes => CollectionYear(2024),
            Table::DoLo => CollectionYear(2027),
            _ => CollectionYear::EARLIEST,
        }
    }

    /// Tables without which a return cannot be understood: a return with no rows in
    /// them is an error, while the others may legitimately be empty.
    pub fn must_have_rows(self) -> bool {
        matches!(self, Table::Header | Table::Episodes)
    }

    /// Recognises a table by its set of column names (order irrelevant).
    pub fn recognise(columns: &[String]) -> Recognition {
        let exact = Table::ALL.into_iter().find(|table| {
            table.columns().len() == columns.len()
                && table
                    .columns()
                    .iter()
                    .all(|c| columns.iter().any(|h| h == c))
        });
        if let Some(table) = exact {
            return Recognition::Exact(table);
        }
        // The table sharing the most columns, if it shares most of its own.
        let best = Table::ALL
            .into_iter()
            .map(|table| {
                let shared = table
                    .columns()
                    .iter()
                    .filter(|c| columns.iter().any(|h| h == *c))
                    .count();
                (shared, table)
            })
            .max_by_key(|(shared, table)| (*shared, std::cmp::Reverse(table.columns().len())));
        match best {
            Some((shared, table)) if shared * 2 > table.columns().len() && shared > 2 => {
                let missing = table
                    .columns()
                    .iter()
                    .filter(|c| !columns.iter().any(|h| h == *c))
                    .map(|c| c.to_string())
                    .collect();
                let extra = columns
                    .iter()
                    .filter(|h| !table.columns().contains(&h.as_str()))
                    .cloned()
                    .collect();
                Recognition::Near {
                    table,
                    missing,
                    extra,
                }
            }
            _ => Recognition::None,
        }
    }
}

/// What a file's header row says about which table it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    /// Exactly the columns of this table.
    Exact(Table),
    /// Most of the columns of this table, with some missing or extra.
    Near {
        /// The table it most resembles.
        table: Table,
        /// Columns of that table the file lacks.
        missing: Vec<String>,
        /// Columns the file has that the table does not.
        extra: Vec<String>,
    },
    /// No table of the return.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_every_table_by_its_columns_in_any_order() {
        for table in Table::ALL {
            let mut columns = cols(table.columns());
            columns.reverse();
            assert_eq!(Table::recognise(&columns), Recognition::Exact(table));
        }
    }

    #[test]
    fn near_misses_name_missing_and_extra_columns() {
        let mut columns = cols(Table::Episodes.columns());
        columns.retain(|c| c != "URN");
        columns.push("NOTES".into());
        assert_eq!(
            Table::recognise(&columns),
            Recognition::Near {
                table: Table::Episodes,
                missing: vec!["URN".into()],
                extra: vec!["NOTES".into()]
            }
        );
    }

    #[test]
    fn unrelated_columns_match_nothing() {
        assert_eq!(
            Table::recognise(&cols(&["NAME", "ADDRESS"])),
            Recognition::None
        );
        assert_eq!(
            Table::recognise(&cols(&["CHILD", "DOB"])),
            Recognition::None
        );
    }
}
