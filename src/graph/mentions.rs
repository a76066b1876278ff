//! Finding people and topics named in a briefing's text: one Aho-Corasick
//! automaton over every name and alias, so scanning costs the length of the
//! text, whatever the number of names.

use std::collections::{BTreeSet, HashMap, HashSet};

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
}

impl Names {
    pub fn new(topics: &[Subject], people: &[Subject]) -> Names {
        let mut owners = Vec::new();
        for (kind, list) in [(Kind::Topic, topics), (Kind::Person, people)] {
            for (i, s) in list.iter().enumerate() {
                for name in std::iter::once(&s.name).chain(&s.aliases) {
                    if name.chars().count() >= 2 {
                        owners.push((kind, i, name.clone()));
                    }
                }
            }
        }
        // Names match only as written, topics too: "Energy" is the topic,
        // "energy" in "state energy company" a common word.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(owners.iter().map(|(_, _, n)| n.as_str()))
            .ok();
        Names { automaton, owners }
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
            // longer name of the same subject overlaps the match.
            let mut end = m.end();
            for (k, i, other) in &self.owners {
                if (k, i) != (kind, index) {
                    continue;
                }
                for (at, _) in text[m.start()..end].char_indices().skip(1) {
                    let from = m.start() + at;
                    let to = from + other.len();
                    if to > end
                        && text.is_char_boundary(to)
                        && to <= text.len()
                        && self.matches(text, from, to, other)
                    {
                        end = to;
                    }
                }
            }
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
    fn a_longer_name_running_past_an_alias_is_taken_whole() {
        let people = [subject("Xi Jinping", &["Xi", "President Xi"])];
        let names = Names::new(&[], &people);
        let text = "Chinese President Xi Jinping held talks.";
        assert_eq!(names.find(text), [(8, 28, Kind::Person, 0)]);
        assert_eq!(&text[8..28], "President Xi Jinping");
    }
}
