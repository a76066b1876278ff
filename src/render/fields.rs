//! A page's template context as one list of named fields. The same list is
//! turned into Tera's context to render the page and hashed into the page's
//! digest, so nothing a template sees can be missing from the digest that
//! decides whether the page is rendered again.

use std::borrow::Cow;

use serde::Serialize;
use tera::{Context, Value};

use super::context::{Memo, Shared};
use crate::digest::Digest;

/// What one field holds, and how its digest is had cheaply.
enum Field<'a> {
    /// Any serializable value: its digest is that of its serialization.
    Data(Box<dyn Shown + 'a>),
    /// Briefing cards, shared by every page that lists them: their digests
    /// are made once per briefing (`BriefingDigests`).
    Card(Option<usize>),
    Cards(Cow<'a, [usize]>),
    /// Titled lists of cards: `[{title, url, briefings}]`, `url` only
    /// when the group has a page of its own.
    Groups(Vec<Group<'a>>),
    /// A briefing's value that only its own page shows, whose digest is
    /// kept per briefing (`BriefingDigests`).
    Memo(Memo, usize),
    /// HTML inserted as is, with a digest of that HTML.
    Html {
        html: &'a str,
        digest: u64,
    },
    /// A briefing's own HTML.
    Body(usize),
}

/// A titled list of cards: an edition's section, a story's timeline.
pub(crate) struct Group<'a> {
    pub title: Cow<'a, str>,
    pub url: Option<String>,
    pub briefings: Cow<'a, [usize]>,
}

/// A serializable value of any type.
trait Shown: Send {
    fn digest(&self, digest: &mut Digest);
    fn value(&self) -> Value;
}

impl<T: Serialize + Send> Shown for T {
    fn digest(&self, digest: &mut Digest) {
        digest.serialized(self);
    }

    fn value(&self) -> Value {
        Value::from_serializable(self)
    }
}

/// The fields of one page, in the order the page's kind adds them.
pub(crate) struct Fields<'a> {
    list: Vec<(&'static str, Field<'a>)>,
    /// A later page of a list split into pages (`page/N/`): it shows its
    /// part of the list and nothing that grows with the whole list, so a
    /// new briefing leaves it as it was.
    pub numbered: bool,
}

impl Default for Fields<'_> {
    fn default() -> Self {
        Fields {
            // Room for a briefing page's, the most any kind adds.
            list: Vec::with_capacity(16),
            numbered: false,
        }
    }
}

impl<'a> Fields<'a> {
    pub fn data<T: Serialize + Send + 'a>(&mut self, name: &'static str, value: T) {
        self.list.push((name, Field::Data(Box::new(value))));
    }

    pub fn card(&mut self, name: &'static str, briefing: Option<usize>) {
        self.list.push((name, Field::Card(briefing)));
    }

    pub fn cards(&mut self, name: &'static str, briefings: impl Into<Cow<'a, [usize]>>) {
        self.list.push((name, Field::Cards(briefings.into())));
    }

    pub fn groups(&mut self, name: &'static str, groups: Vec<Group<'a>>) {
        self.list.push((name, Field::Groups(groups)));
    }

    pub fn memo(&mut self, name: &'static str, memo: Memo, briefing: usize) {
        self.list.push((name, Field::Memo(memo, briefing)));
    }

    pub fn body(&mut self, name: &'static str, briefing: usize) {
        self.list.push((name, Field::Body(briefing)));
    }

    /// The briefings whose values the fields show (cards, memos, bodies):
    /// a page whose fields show none of the briefings a save changed
    /// cannot have changed with it.
    pub fn briefings(&self) -> Vec<u32> {
        let mut shown = Vec::new();
        for (_, field) in &self.list {
            match field {
                Field::Card(i) => shown.extend(i.map(|i| i as u32)),
                Field::Cards(list) => shown.extend(list.iter().map(|&i| i as u32)),
                Field::Groups(groups) => {
                    for group in groups {
                        shown.extend(group.briefings.iter().map(|&i| i as u32));
                    }
                }
                Field::Memo(_, i) | Field::Body(i) => shown.push(*i as u32),
                Field::Data(_) | Field::Html { .. } => {}
            }
        }
        shown.sort_unstable();
        shown.dedup();
        shown
    }

    pub fn html(&mut self, name: &'static str, html: &'a str, digest: u64) {
        self.list.push((name, Field::Html { html, digest }));
    }

    /// Add every field's name and digest to `digest`.
    pub fn digest(&self, shared: &Shared, digest: &mut Digest) {
        for (name, field) in &self.list {
            digest.add(name);
            match field {
                Field::Data(value) => value.digest(digest),
                Field::Card(i) => digest.add(i.map(|i| shared.card_digest(i))),
                Field::Cards(list) => {
                    digest.add(list.len());
                    for &i in list.iter() {
                        digest.add(shared.card_digest(i));
                    }
                }
                Field::Groups(groups) => {
                    digest.add(groups.len());
                    for group in groups {
                        digest.add((&group.title, &group.url, group.briefings.len()));
                        for &i in group.briefings.iter() {
                            digest.add(shared.card_digest(i));
                        }
                    }
                }
                Field::Memo(memo, i) => digest.add(shared.memo_digest(*memo, *i)),
                Field::Html { digest: d, .. } => digest.add(d),
                Field::Body(i) => digest.add(shared.site.briefings[*i].html_hash),
            }
        }
    }

    /// Every field into `context`, for Tera.
    pub fn insert_into(self, shared: &Shared, context: &mut Context) {
        for (name, field) in self.list {
            let value = match field {
                Field::Data(value) => value.value(),
                Field::Card(i) => i.map(|i| shared.card(i)).unwrap_or_else(Value::none),
                Field::Cards(list) => shared.cards(&list).into(),
                Field::Groups(groups) => groups
                    .into_iter()
                    .map(|group| {
                        let mut map = tera::value::Map::new();
                        map.insert("title".into(), group.title.as_ref().into());
                        if let Some(url) = group.url {
                            map.insert("url".into(), url.into());
                        }
                        map.insert("briefings".into(), shared.cards(&group.briefings).into());
                        Value::from(map)
                    })
                    .collect::<Vec<Value>>()
                    .into(),
                Field::Memo(memo, i) => memo.value(shared, i),
                Field::Html { html, .. } => Value::safe_string(html),
                Field::Body(i) => Value::safe_string(&shared.site.briefings[i].html),
            };
            context.insert_value(name, value);
        }
    }
}
