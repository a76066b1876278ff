//! Finding people and topics named in a briefing's text: one Aho-Corasick
//! automaton over every name and alias, so scanning costs the length of the
//! text, whatever the number of names.

use std::collections::{BTreeSet, HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::content::markdown::MentionLinker;

use super::Subject;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        // Case is checked after matching: topics match in any case ("energy"
        // is the Energy topic), people only as written ("Kim", not "kim").
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(owners.iter().map(|(_, _, n)| n.as_str()))
            .ok();
        Names { automaton, owners }
    }

    /// Whole-word mentions in `text`, leftmost first.
    pub fn find<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (usize, usize, Kind, usize)> + 't {
        self.automaton
            .iter()
            .flat_map(move |ac| ac.find_iter(text))
            .filter_map(move |m| {
                let (kind, index, name) = &self.owners[m.pattern().as_usize()];
                let found = &text[m.start()..m.end()];
                let case_ok = *kind == Kind::Topic || found == name;
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                let whole_word = !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric);
                (case_ok && whole_word).then_some((m.start(), m.end(), *kind, *index))
            })
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
        let found: Vec<_> = names
            .find("President Xi met Kimball; Xian is a city; energy, Kim.")
            .collect();
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
    fn people_match_only_as_written() {
        let people = [subject("Kim Jong Un", &["Kim"])];
        let names = Names::new(&[], &people);
        assert_eq!(names.find("kim and KIM").count(), 0);
    }
}
