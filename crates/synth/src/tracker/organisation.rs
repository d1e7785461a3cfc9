//! The borough's children's services: a director, heads of service, service managers,
//! team managers and their teams, the IRO service, the leaving-care service, fostering
//! and adoption workers, panel chairs, performance analysts and administrators, with
//! the management line that escalation follows, and the register of panels.
//!
//! Names are fictional: a first name and a surname drawn from short lists of common
//! ones. Social workers' ids are the 903 `SW_ID`s (`SW0001`, ...): the pool the 903
//! generator allocates from, plus any other id the children's records use.

use std::collections::{BTreeMap, BTreeSet};

use permanence_domain::ChildRecord;
use permanence_domain::tracker::{Organisation, Panel, PanelQuestion, Person, StaffRole, Team};

use crate::random::Random;
use crate::rates::*;

const FIRST_NAMES: [&str; 48] = [
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Emily", "Ella", "Chloe", "Priya",
    "Aisha", "Fatima", "Zara", "Hannah", "Lucy", "Ruth", "Joy", "Esther", "Nadia", "Claire",
    "Helen", "Sarah", "Rachel", "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie",
    "Thomas", "Oscar", "William", "James", "Daniel", "Samuel", "David", "Joseph", "Mohammed",
    "Ibrahim", "Kwame", "Tunde", "Marcus", "Ravi", "Arjun", "Peter", "Simon",
];

const SURNAMES: [&str; 48] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Wright", "Robinson", "Thompson", "Walker", "White", "Hughes", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott",
    "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Ahmed",
    "Begum", "Khan", "Ali", "Okafor", "Mensah", "Adeyemi", "Campbell", "Kelly", "Shah", "Hussain",
];

/// The panel register's ids.
pub(crate) const ADOPTION_PANEL: &str = "PNL-ADOPT";
pub(crate) const FOSTERING_PANEL: &str = "PNL-FOST";
pub(crate) const LEGAL_GATEWAY_PANEL: &str = "PNL-LEGAL";
pub(crate) const RESOURCE_PANEL: &str = "PNL-RES";
pub(crate) const PERMANENCE_PANEL: &str = "PNL-PERM";
pub(crate) const RAA_MATCHING_PANEL: &str = "PNL-RAA";
pub(crate) const COMPLEX_PLACEMENTS_PANEL: &str = "PNL-CPX";

/// The organisation, with the indexes the generator needs.
pub(crate) struct Staff {
    pub(crate) organisation: Organisation,
    /// Person index by id.
    by_id: BTreeMap<String, usize>,
    /// Manager's person index, by person index.
    managers: Vec<Option<usize>>,
    /// Social workers of the 903 pool (`SW0001` is index 0), as person indexes.
    pool: Vec<usize>,
    pub(crate) iros: Vec<usize>,
    pub(crate) personal_advisers: Vec<usize>,
    pub(crate) adoption_workers: Vec<usize>,
    pub(crate) fostering_workers: Vec<usize>,
    /// Chair of each panel, by panel id.
    panel_chairs: BTreeMap<&'static str, usize>,
}

impl Staff {
    /// A person's id.
    pub(crate) fn id(&self, person: usize) -> &str {
        &self.organisation.people[person].id
    }

    /// A person's index, by id.
    pub(crate) fn index(&self, id: &str) -> Option<usize> {
        // The 903 pool's ids are SW0001 up, in order: no search needed.
        if let Some(number) = id.strip_prefix("SW").filter(|n| n.len() == 4)
            && let Ok(n) = number.parse::<usize>()
            && (1..=self.pool.len()).contains(&n)
            && self.organisation.people[self.pool[n - 1]].id == id
        {
            return Some(self.pool[n - 1]);
        }
        self.by_id.get(id).copied()
    }

    /// A person's line manager.
    pub(crate) fn manager(&self, person: usize) -> Option<usize> {
        self.managers[person]
    }

    /// A person's team id.
    pub(crate) fn team(&self, person: usize) -> Option<&str> {
        self.organisation.people[person].team.as_deref()
    }

    /// The manager's manager (for a social worker, the service manager).
    pub(crate) fn second_line(&self, person: usize) -> Option<usize> {
        self.manager(person).and_then(|m| self.manager(m))
    }

    /// A social worker from the 903 pool, uniformly.
    pub(crate) fn random_social_worker(&self, random: &mut Random) -> usize {
        *random.one_of(&self.pool)
    }

    /// The chair of a panel.
    pub(crate) fn panel_chair(&self, panel: &str) -> usize {
        self.panel_chairs[panel]
    }
}

struct Builder<'a> {
    random: &'a mut Random,
    people: Vec<Person>,
    teams: Vec<Team>,
}

impl Builder<'_> {
    fn person(
        &mut self,
        id: String,
        role: StaffRole,
        team: Option<&str>,
        manager: Option<usize>,
    ) -> usize {
        let first = *self.random.one_of(&FIRST_NAMES);
        let surname = *self.random.one_of(&SURNAMES);
        let manager = manager.map(|m| self.people[m].id.clone());
        self.people.push(Person {
            id,
            name: format!("{first} {surname}"),
            role,
            team: team.map(String::from),
            manager,
            start: None,
            end: None,
        });
        self.people.len() - 1
    }

    fn team(&mut self, id: &str, name: String, service: &str, manager: usize) {
        self.teams.push(Team {
            id: id.to_string(),
            name,
            service: Some(service.to_string()),
            manager: Some(self.people[manager].id.clone()),
        });
    }
}

/// Builds the organisation for a borough with `pool_size` social workers in the 903
/// pool; ids the children's social-worker episodes use outside the pool are added too.
pub(crate) fn build(random: &mut Random, pool_size: usize, children: &[ChildRecord]) -> Staff {
    let mut pool_ids: Vec<String> = (1..=pool_size).map(|n| format!("SW{n:04}")).collect();
    let in_pool: BTreeSet<String> = pool_ids.iter().cloned().collect();
    let extra: BTreeSet<&str> = children
        .iter()
        .flat_map(|c| c.social_worker_episodes.iter())
        .map(|e| e.sw_id.as_str())
        .filter(|id| !in_pool.contains(*id))
        .collect();
    let extra_count = extra.len();
    pool_ids.extend(extra.into_iter().map(String::from));

    let mut b = Builder {
        random,
        people: Vec::new(),
        teams: Vec::new(),
    };
    let ceil = |n: usize, per: usize| n.div_ceil(per).max(1);

    // The top of the line.
    let director = b.person("DCS01".into(), StaffRole::Director, None, None);
    let hos_cic = b.person(
        "HOS01".into(),
        StaffRole::HeadOfService,
        None,
        Some(director),
    );
    let hos_leaving = b.person(
        "HOS02".into(),
        StaffRole::HeadOfService,
        None,
        Some(director),
    );
    let hos_quality = b.person(
        "HOS03".into(),
        StaffRole::HeadOfService,
        None,
        Some(director),
    );
    let hos_fostering = b.person(
        "HOS04".into(),
        StaffRole::HeadOfService,
        None,
        Some(director),
    );

    // Children in care: teams of social workers, their managers, service managers.
    const CIC: &str = "Children in care and permanence";
    let cic_teams = ceil(pool_ids.len(), SOCIAL_WORKERS_PER_TEAM);
    let cic_managers = ceil(cic_teams, TEAMS_PER_SERVICE_MANAGER);
    let service_managers: Vec<usize> = (1..=cic_managers)
        .map(|n| {
            b.person(
                format!("SM{n:03}"),
                StaffRole::ServiceManager,
                None,
                Some(hos_cic),
            )
        })
        .collect();
    let mut team_managers = Vec::with_capacity(cic_teams);
    for t in 0..cic_teams {
        let team_id = format!("CIC{:03}", t + 1);
        let manager = b.person(
            format!("TM{:04}", t + 1),
            StaffRole::TeamManager,
            Some(&team_id),
            Some(service_managers[t / TEAMS_PER_SERVICE_MANAGER]),
        );
        b.team(
            &team_id,
            format!("Children in Care {}", t + 1),
            CIC,
            manager,
        );
        team_managers.push(manager);
    }
    let mut pool = Vec::with_capacity(pool_ids.len());
    for (i, id) in pool_ids.into_iter().enumerate() {
        // Extra ids (outside the 903 pool) are spread over the teams too.
        let t = i / SOCIAL_WORKERS_PER_TEAM;
        let team_id = format!("CIC{:03}", t + 1);
        pool.push(b.person(
            id,
            StaffRole::SocialWorker,
            Some(&team_id),
            Some(team_managers[t]),
        ));
    }
    // Only the 903 pool is drawn from for new allocations.
    pool.truncate(pool.len() - extra_count);
    let next_tm = cic_teams + 1;

    // Leaving care: personal advisers.
    const LEAVING: &str = "Leaving care";
    let advisers = (pool_size / SOCIAL_WORKERS_PER_PERSONAL_ADVISER).max(2);
    let leaving_teams = ceil(advisers, PERSONAL_ADVISERS_PER_TEAM);
    let leaving_sm = b.person(
        format!("SM{:03}", cic_managers + 1),
        StaffRole::ServiceManager,
        None,
        Some(hos_leaving),
    );
    let mut leaving_managers = Vec::new();
    for t in 0..leaving_teams {
        let team_id = format!("LC{:02}", t + 1);
        let manager = b.person(
            format!("TM{:04}", next_tm + t),
            StaffRole::TeamManager,
            Some(&team_id),
            Some(leaving_sm),
        );
        b.team(
            &team_id,
            format!("Leaving Care {}", t + 1),
            LEAVING,
            manager,
        );
        leaving_managers.push(manager);
    }
    let personal_advisers: Vec<usize> = (0..advisers)
        .map(|i| {
            let t = i / PERSONAL_ADVISERS_PER_TEAM;
            b.person(
                format!("PA{:04}", i + 1),
                StaffRole::PersonalAdviser,
                Some(&format!("LC{:02}", t + 1)),
                Some(leaving_managers[t]),
            )
        })
        .collect();
    let next_tm = next_tm + leaving_teams;

    // The IRO service.
    const QUALITY: &str = "Quality assurance and safeguarding";
    let iro_count = (pool_size / SOCIAL_WORKERS_PER_IRO).max(2);
    let iro_teams = ceil(iro_count, IROS_PER_TEAM);
    let mut iro_managers = Vec::new();
    for t in 0..iro_teams {
        let team_id = format!("IRS{:02}", t + 1);
        let manager = b.person(
            format!("IRM{:02}", t + 1),
            StaffRole::IroManager,
            Some(&team_id),
            Some(hos_quality),
        );
        b.team(
            &team_id,
            format!("Independent Reviewing Service {}", t + 1),
            QUALITY,
            manager,
        );
        iro_managers.push(manager);
    }
    let iros: Vec<usize> = (0..iro_count)
        .map(|i| {
            let t = i / IROS_PER_TEAM;
            b.person(
                format!("IRO{:04}", i + 1),
                StaffRole::Iro,
                Some(&format!("IRS{:02}", t + 1)),
                Some(iro_managers[t]),
            )
        })
        .collect();

    // Fostering and adoption.
    const FOSTERING: &str = "Fostering and adoption";
    let fostering_sm = b.person(
        format!("SM{:03}", cic_managers + 2),
        StaffRole::ServiceManager,
        None,
        Some(hos_fostering),
    );
    let fostering_tm = b.person(
        format!("TM{next_tm:04}"),
        StaffRole::TeamManager,
        Some("FOST01"),
        Some(fostering_sm),
    );
    b.team("FOST01", "Fostering".into(), FOSTERING, fostering_tm);
    let adoption_tm = b.person(
        format!("TM{:04}", next_tm + 1),
        StaffRole::TeamManager,
        Some("ADOPT01"),
        Some(fostering_sm),
    );
    b.team(
        "ADOPT01",
        "Adoption and permanence".into(),
        FOSTERING,
        adoption_tm,
    );
    let fostering_workers: Vec<usize> = (0..(pool_size / 10).max(2))
        .map(|i| {
            b.person(
                format!("FW{:03}", i + 1),
                StaffRole::FosteringWorker,
                Some("FOST01"),
                Some(fostering_tm),
            )
        })
        .collect();
    let adoption_workers: Vec<usize> = (0..(pool_size / 15).max(2))
        .map(|i| {
            b.person(
                format!("AW{:03}", i + 1),
                StaffRole::AdoptionWorker,
                Some("ADOPT01"),
                Some(adoption_tm),
            )
        })
        .collect();

    // Panels, performance and business support.
    let panels_tm = b.person(
        format!("TM{:04}", next_tm + 2),
        StaffRole::TeamManager,
        Some("PANELS"),
        Some(hos_quality),
    );
    b.team("PANELS", "Panels and quality".into(), QUALITY, panels_tm);
    let chairs: Vec<usize> = (0..5)
        .map(|i| {
            b.person(
                format!("PC{:02}", i + 1),
                StaffRole::PanelChair,
                Some("PANELS"),
                Some(panels_tm),
            )
        })
        .collect();
    let performance_tm = b.person(
        format!("TM{:04}", next_tm + 3),
        StaffRole::TeamManager,
        Some("PERF"),
        Some(hos_quality),
    );
    b.team(
        "PERF",
        "Performance and business support".into(),
        QUALITY,
        performance_tm,
    );
    for i in 0..3 {
        b.person(
            format!("PERF{:02}", i + 1),
            StaffRole::PerformanceAnalyst,
            Some("PERF"),
            Some(performance_tm),
        );
    }
    for i in 0..(pool_size / 20).max(2) {
        b.person(
            format!("ADM{:03}", i + 1),
            StaffRole::Administrator,
            Some("PERF"),
            Some(performance_tm),
        );
    }

    let panel =
        |id: &'static str, name: &str, remit: &str, chair: usize, questions: Vec<PanelQuestion>| {
            (id, name.to_string(), remit.to_string(), chair, questions)
        };
    use PanelQuestion::*;
    let register = [
        panel(
            ADOPTION_PANEL,
            "Adoption and permanence panel",
            "Recommends whether a child should be placed for adoption and approves matches with adopters",
            chairs[0],
            vec![PlanForAdoption, AdoptionMatch],
        ),
        panel(
            FOSTERING_PANEL,
            "Fostering panel",
            "Approves foster carers and reviews their approval; matches children with long-term foster carers",
            chairs[1],
            vec![LongTermFosteringMatch, Other],
        ),
        panel(
            LEGAL_GATEWAY_PANEL,
            "Legal gateway panel",
            "Decides whether to start pre-proceedings or issue care proceedings",
            chairs[2],
            vec![LegalGateway],
        ),
        panel(
            RESOURCE_PANEL,
            "Resource panel",
            "Agrees residential and high-cost placements and their funding",
            chairs[3],
            vec![PlacementResource],
        ),
        panel(
            PERMANENCE_PANEL,
            "Permanence tracking panel",
            "Tracks and agrees permanence plans; also agrees long-term fostering matches",
            chairs[4],
            vec![PermanencePlan, LongTermFosteringMatch],
        ),
        panel(
            RAA_MATCHING_PANEL,
            "Adopt London East matching panel",
            "Regional adoption agency panel: matches children with adopters",
            chairs[0],
            vec![AdoptionMatch],
        ),
        panel(
            COMPLEX_PLACEMENTS_PANEL,
            "Complex needs placements panel",
            "Agrees placements for children with complex needs; also reviews their permanence plans",
            chairs[3],
            vec![PlacementResource, PermanencePlan],
        ),
    ];
    let mut panel_chairs = BTreeMap::new();
    let panels = register
        .into_iter()
        .map(|(id, name, remit, chair, questions)| {
            panel_chairs.insert(id, chair);
            Panel {
                id: id.to_string(),
                name,
                remit,
                chair: Some(b.people[chair].id.clone()),
                questions,
            }
        })
        .collect();

    let Builder { people, teams, .. } = b;
    let by_id: BTreeMap<String, usize> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let managers = people
        .iter()
        .map(|p| p.manager.as_ref().map(|m| by_id[m]))
        .collect();
    Staff {
        organisation: Organisation {
            people,
            teams,
            panels,
            supervision: Vec::new(),
            decisions: Vec::new(),
            fostering: Default::default(),
        },
        by_id,
        managers,
        pool,
        iros,
        personal_advisers,
        adoption_workers,
        fostering_workers,
        panel_chairs,
    }
}

/// The panels that decide `question` other than `panel` (for overlapping presentations).
pub(crate) fn other_panel_for(question: PanelQuestion, panel: &str) -> Option<&'static str> {
    use PanelQuestion::*;
    let candidates: &[&'static str] = match question {
        AdoptionMatch => &[ADOPTION_PANEL, RAA_MATCHING_PANEL],
        LongTermFosteringMatch => &[FOSTERING_PANEL, PERMANENCE_PANEL],
        PermanencePlan => &[PERMANENCE_PANEL, COMPLEX_PLACEMENTS_PANEL],
        PlacementResource => &[RESOURCE_PANEL, COMPLEX_PLACEMENTS_PANEL],
        _ => &[],
    };
    candidates.iter().copied().find(|p| *p != panel)
}
