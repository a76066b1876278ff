//! Finding people and topics named in a briefing's text: one Aho-Corasick
//! automaton over every name and alias, so scanning costs the length of the
//! text, whatever the number of names.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::markdown::MentionLinker;

use super::Subject;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Kind {
    Topic,
    Person,
}

/// Every name and alias of every topic and person.
pub struct Names {
    automaton: Option<AhoCorasick>,
    /// Per pattern: whose name it is, and the name as written.
    owners: Vec<(Kind, usize, String)>,
    /// Per pattern: the names of its subject when it has more than one,
    /// for a match to run on into (an index into `runs`).
    run_of: Vec<Option<u32>>,
    runs: Vec<RunOn>,
}

/// A subject's names, looked up by text: a match runs on into one that
/// starts inside it whatever the number of aliases (20,000 aliases each
/// compared at each mention took minutes).
struct RunOn {
    names: HashSet<String>,
    /// The names' lengths in bytes, each once, shortest first: a name can
    /// end only that far from where it starts.
    lengths: Vec<usize>,
}

/// Every name and alias a mention can match, with whose it is, in the
/// order the automaton holds them (an earlier one wins a tie).
fn patterns<'s>(
    topics: &'s [Subject],
    people: &'s [Subject],
) -> impl Iterator<Item = (Kind, usize, &'s String)> {
    [(Kind::Topic, topics), (Kind::Person, people)]
        .into_iter()
        .flat_map(|(kind, list)| {
            list.iter().enumerate().flat_map(move |(i, s)| {
                std::iter::once(&s.name)
                    .chain(&s.aliases)
                    .map(move |name| (kind, i, name))
            })
        })
        .filter(|(_, _, name)| name.chars().count() >= 2)
}

impl Names {
    pub fn new(topics: &[Subject], people: &[Subject]) -> Names {
        let owners: Vec<(Kind, usize, String)> = patterns(topics, people)
            .map(|(kind, i, name)| (kind, i, name.clone()))
            .collect();
        // Names match only as written, topics too: "Energy" is the topic,
        // "energy" in "state energy company" a common word.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(owners.iter().map(|(_, _, n)| n.as_str()))
            .ok();
        // `patterns` lists a subject's names one after another.
        let (mut run_of, mut runs) = (Vec::with_capacity(owners.len()), Vec::new());
        for names in owners.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let run = (names.len() > 1).then(|| {
                let lengths: BTreeSet<usize> = names.iter().map(|(_, _, n)| n.len()).collect();
                runs.push(RunOn {
                    names: names.iter().map(|(_, _, n)| n.clone()).collect(),
                    lengths: lengths.into_iter().collect(),
                });
                (runs.len() - 1) as u32
            });
            run_of.extend(std::iter::repeat_n(run, names.len()));
        }
        Names {
            automaton,
            owners,
            run_of,
            runs,
        }
    }

    /// Whole-word mentions in `text`, leftmost first.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, Kind, usize)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut covered = 0;
        for m in ac.find_iter(text) {
            if m.start() < covered {
                continue;
            }
            let (kind, index, name) = &self.owners[m.pattern().as_usize()];
            if !self.matches(text, m.start(), m.end(), name) {
                continue;
            }
            // "President Xi Jinping": the alias "President Xi" matched first,
            // but "Xi Jinping" runs on past it. Take the whole run when a
            // name of the same subject overlaps the match.
            let end = match self.run_of[m.pattern().as_usize()] {
                Some(run) => run_on(text, m.start(), m.end(), &self.runs[run as usize]),
                None => m.end(),
            };
            covered = end;
            found.push((m.start(), end, *kind, *index));
        }
        found
    }

    /// Whether `text[start..end]` is `name`, as written, as a whole word.
    fn matches(&self, text: &str, start: usize, end: usize, name: &str) -> bool {
        let Some(found) = text.get(start..end) else {
            return false;
        };
        let case_ok = found == name;
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        case_ok
            && !before.is_some_and(char::is_alphanumeric)
            && !after.is_some_and(char::is_alphanumeric)
    }
}

/// How far a mention at `start..end` runs on: to the furthest end of a
/// name of `run` that starts at a word inside the mention (or inside what
/// it ran on into) and ends past it, as a whole word.
fn run_on(text: &str, start: usize, mut end: usize, run: &RunOn) -> usize {
    let alphanumeric_at = |i: usize| text[i..].chars().next().is_some_and(char::is_alphanumeric);
    let mut from = start;
    while let Some((next, _)) = text[from..end].char_indices().nth(1) {
        from += next;
        let word_start = !text[..from]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if !word_start {
            continue;
        }
        // Only where one of its names would end: a few lengths, not every
        // byte within reach (a name of 48 one-letter words mentioned 10,000
        // times took seconds).
        for to in run.lengths.iter().map(|len| from + len) {
            if to > text.len() {
                break;
            }
            if to > end
                && text.is_char_boundary(to)
                && !alphanumeric_at(to)
                && run.names.contains(&text[from..to])
            {
                end = to;
            }
        }
    }
    end
}

/// Every name and alias with whose it is (by address, which stays when
/// subjects are added before it): what finding a body's mentions reads of
/// the site. Kept with the bodies rendered, so that a change of names
/// renders again only the bodies that may hold one of the names changed.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NameTable(BTreeMap<String, Vec<(Kind, String)>>);

impl NameTable {
    pub fn of(topics: &[Subject], people: &[Subject]) -> NameTable {
        let mut table: BTreeMap<String, Vec<(Kind, String)>> = BTreeMap::new();
        for (kind, i, name) in patterns(topics, people) {
            let path = match kind {
                Kind::Topic => &topics[i].path,
                Kind::Person => &people[i].path,
            };
            table
                .entry(name.clone())
                .or_default()
                .push((kind, path.clone()));
        }
        NameTable(table)
    }

    /// The names added, removed, or now someone else's, between `self` and `now`.
    pub fn changed<'t>(&'t self, now: &'t NameTable) -> Vec<&'t str> {
        let gone = self
            .0
            .iter()
            .filter(|(name, owners)| now.0.get(*name) != Some(owners));
        let new = now.0.keys().filter(|name| !self.0.contains_key(*name));
        gone.map(|(name, _)| name.as_str())
            .chain(new.map(String::as_str))
            .collect()
    }
}

/// Whether a body may mention one of some names: whether it holds every
/// piece of one as written, a piece being a run of words and the spaces
/// between them ("Chinese economy" in "Chinese economy, U.S.-led").
/// A mention is found in a run of text of the rendered Markdown, which is
/// the body's own text but for entities, escapes and typographic
/// punctuation, and never runs across a line break: letters, digits and
/// spaces come through as written, except spelt with character
/// references, so a body with one of those is taken to hold every name.
/// Every piece, and pieces rather than words: a new topic "Zebra
/// Inflation" must not render again the thousands of bodies that say
/// "Inflation", nor "Chinese economy" those that say "Chinese" and
/// "economy" apart.
pub enum ChangedNames {
    None,
    Pieces {
        pieces: AhoCorasick,
        /// Per name, its pieces by pattern number.
        names: Vec<Vec<usize>>,
    },
    /// A name of punctuation alone, or pieces the automaton could not be
    /// built for: every body is taken to hold them.
    Unsearchable,
}

impl ChangedNames {
    pub fn new(names: &[&str]) -> ChangedNames {
        if names.is_empty() {
            return ChangedNames::None;
        }
        let mut pieces: Vec<&str> = Vec::new();
        let mut numbers: HashMap<&str, usize> = HashMap::new();
        let mut names_of_pieces = Vec::with_capacity(names.len());
        for name in names {
            let numbered: Vec<usize> = pieces_of(name)
                .map(|piece| {
                    *numbers.entry(piece).or_insert_with(|| {
                        pieces.push(piece);
                        pieces.len() - 1
                    })
                })
                .collect();
            // A name of punctuation alone may be written otherwise: `--`
            // for its dash, `\*` for its star.
            if numbered.is_empty() {
                return ChangedNames::Unsearchable;
            }
            names_of_pieces.push(numbered);
        }
        let names = names_of_pieces;
        match AhoCorasick::new(&pieces) {
            Ok(pieces) => ChangedNames::Pieces { pieces, names },
            Err(_) => ChangedNames::Unsearchable,
        }
    }

    /// Whether `body`, spelling something with a character reference or
    /// not (`character_references`), may name one of the names.
    pub fn may_occur_in(&self, body: &str, character_references: bool) -> bool {
        match self {
            ChangedNames::None => false,
            ChangedNames::Pieces { .. } if character_references => true,
            ChangedNames::Pieces { pieces, names } => {
                let mut seen = vec![false; pieces.patterns_len()];
                for piece in pieces.find_overlapping_iter(body) {
                    let number = piece.pattern().as_usize();
                    if std::mem::replace(&mut seen[number], true) {
                        continue;
                    }
                    let whole = |name: &Vec<usize>| name.iter().all(|&n| seen[n]);
                    if names
                        .iter()
                        .any(|name| name.contains(&number) && whole(name))
                    {
                        return true;
                    }
                }
                false
            }
            ChangedNames::Unsearchable => true,
        }
    }
}

/// The runs of letters, digits and spaces in `name`, trimmed.
fn pieces_of(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !(c.is_alphanumeric() || c.is_whitespace()))
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
}

/// `&name;`, `&#123;` or `&#x7B;` somewhere in `text`.
pub(super) fn has_character_reference(text: &str) -> bool {
    text.match_indices('&').any(|(at, _)| {
        let rest = &text[at + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(rest.len());
        end > 0 && rest[end..].starts_with(';')
    })
}

/// One briefing's mentions: links the first mention of each subject it
/// lists, and notes every subject its text names.
pub struct BriefingMentions<'a> {
    names: &'a Names,
    /// Subjects the briefing lists, and their page URLs.
    listed: HashMap<(Kind, usize), String>,
    linked: HashSet<(Kind, usize)>,
    link: bool,
    pub seen: BTreeSet<(Kind, usize)>,
}

impl<'a> BriefingMentions<'a> {
    pub fn new(names: &'a Names, listed: HashMap<(Kind, usize), String>, link: bool) -> Self {
        BriefingMentions {
            names,
            listed,
            linked: HashSet::new(),
            link,
            seen: BTreeSet::new(),
        }
    }
}

impl MentionLinker for BriefingMentions<'_> {
    fn next_mention(&mut self, text: &str) -> Option<(usize, usize, String)> {
        for (start, end, kind, index) in self.names.find(text) {
            self.seen.insert((kind, index));
            if !self.link || self.linked.contains(&(kind, index)) {
                continue;
            }
            if let Some(url) = self.listed.get(&(kind, index)) {
                self.linked.insert((kind, index));
                return Some((start, end, url.clone()));
            }
        }
        None
    }

    fn observe(&mut self, text: &str) {
        for (_, _, kind, index) in self.names.find(text) {
            self.seen.insert((kind, index));
        }
    }

    fn linked_by_hand(&mut self, url: &str) {
        let hand: Vec<(Kind, usize)> = self
            .listed
            .iter()
            .filter(|(_, u)| *u == url)
            .map(|(k, _)| *k)
            .collect();
        self.linked.extend(hand);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(name: &str, aliases: &[&str]) -> Subject {
        Subject {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Subject::default()
        }
    }

    #[test]
    fn finds_whole_words_longest_first() {
        let people = [
            subject("Xi Jinping", &["Xi", "President Xi"]),
            subject("Kim Jong Un", &["Kim"]),
        ];
        let topics = [subject("Energy", &[])];
        let names = Names::new(&topics, &people);
        let found = names.find("President Xi met Kimball; Xian is a city; Energy, Kim.");
        assert_eq!(
            found,
            [
                (0, 12, Kind::Person, 0),
                (42, 48, Kind::Topic, 0),
                (50, 53, Kind::Person, 1)
            ]
        );
    }

    #[test]
    fn a_match_runs_on_only_into_a_longer_name_of_its_own_subject() {
        let people = [
            subject("Li Qiang", &[]),
            subject("Xi Jinping", &["President Xi"]),
            subject("Wang Yi", &[]),
        ];
        let names = Names::new(&[], &people);
        assert_eq!(
            names.find("President Xi Jinping met Wang Yi."),
            [(0, 20, Kind::Person, 1), (25, 32, Kind::Person, 2)]
        );
        let people = [
            subject("Xi Jinping", &[]),
            subject("Presidents", &["President Xi"]),
        ];
        let names = Names::new(&[], &people);
        assert_eq!(
            names.find("President Xi Jinping"),
            [(0, 12, Kind::Person, 1)]
        );
    }

    #[test]
    fn a_run_on_goes_through_names_that_overlap_in_turn_as_whole_words() {
        let aliases: Vec<String> = (0..5_000).map(|i| format!("Jinping {i}")).collect();
        let mut aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
        aliases.extend(["President Xi", "Xi Jinping", "Jinping Thought"]);
        let names = Names::new(&[], &[subject("Xi", &aliases)]);
        // "President Xi", into "Xi Jinping", into "Jinping Thought".
        let text = "President Xi Jinping Thought, Xi Jinping Thoughtful, Xi Jinping 42.";
        assert_eq!(
            names.find(text),
            [
                (0, 28, Kind::Person, 0),
                (30, 40, Kind::Person, 0),
                (53, 66, Kind::Person, 0)
            ]
        );
    }

    #[test]
    fn topics_match_only_as_written() {
        let topics = [subject("Energy", &[])];
        let names = Names::new(&topics, &[]);
        assert!(names
            .find("China's state energy company, ENERGY")
            .is_empty());
    }

    #[test]
    fn people_match_only_as_written() {
        let people = [subject("Kim Jong Un", &["Kim"])];
        let names = Names::new(&[], &people);
        assert!(names.find("kim and KIM").is_empty());
    }

    #[test]
    fn a_changed_name_is_looked_for_by_every_piece_of_it() {
        // As a cached body holds it: whether it has a character reference.
        let may = |names: &ChangedNames, body: &str| {
            names.may_occur_in(body, has_character_reference(body))
        };
        let before = NameTable::of(&[subject("Energy", &[])], &[]);
        let mut xi = subject("Xi Jinping", &["President Xi"]);
        xi.path = "people/xi-jinping/".into();
        let now = NameTable::of(&[subject("Energy", &[])], &[xi]);
        let mut changed = before.changed(&now);
        changed.sort();
        assert_eq!(changed, ["President Xi", "Xi Jinping"]);
        let names = ChangedNames::new(&changed);
        assert!(may(&names, "Talks with President Xi in Beijing."));
        assert!(may(&names, "Xi Jinping arrived."));
        assert!(!may(&names, "Talks with Xi, the President, in Beijing."));
        assert!(!may(&names, "Jinping arrived. Xi spoke."));
        assert!(!may(&names, "Xi\nJinping"));
        assert!(!may(&names, "Energy prices rose."));
        assert!(!may(&names, "President XI"));
        // Every piece of a name with punctuation in it, in any order.
        let names = ChangedNames::new(&["U.S.-China trade"]);
        assert!(may(&names, "China trade with the U.S. fell."));
        assert!(may(&names, "U\\.S\\.-China trade"));
        assert!(!may(&names, "U.S. trade with China fell."));
        assert!(may(&names, "Energy &amp; prices rose."));
        assert!(!may(&names, "Energy & prices rose; M&A deals; a&b"));
        assert!(!may(&ChangedNames::new(&[]), "Xi Jinping"));
        // A name of punctuation alone may be written otherwise ("--" for
        // its en dash): every body may hold it.
        assert!(may(&ChangedNames::new(&["\u{2013} \u{2013}"]), "a -- -- b"));
        assert!(may(&ChangedNames::new(&["Xi", "&&"]), "none"));
    }

    #[test]
    fn a_name_that_moves_to_another_subject_is_changed() {
        let mut kim = subject("Kim", &[]);
        kim.path = "people/kim/".into();
        let before = NameTable::of(&[], &[kim.clone()]);
        kim.path = "people/kim-jong-un/".into();
        let now = NameTable::of(&[], &[kim]);
        assert_eq!(before.changed(&now), ["Kim"]);
        assert!(now.changed(&now).is_empty());
    }

    #[test]
    fn a_longer_name_running_past_an_alias_is_taken_whole() {
        let people = [subject("Xi Jinping", &["Xi", "President Xi"])];
        let names = Names::new(&[], &people);
        let text = "Chinese President Xi Jinping held talks.";
        assert_eq!(names.find(text), [(8, 28, Kind::Person, 0)]);
        assert_eq!(&text[8..28], "President Xi Jinping");
    }
}
