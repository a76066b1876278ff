//! Cross-links: mentions, backlinks, stories.

mod common;

use common::{fixture, links, section};

fn body(page: &str) -> &str {
    let start = page.find("<div class=\"body\">").expect("body");
    let end = start + page[start..].find("</div>").expect("end of body");
    &page[start..end]
}

#[test]
fn the_first_plain_mention_links_to_the_person() {
    let site = fixture("mentions");
    site.build_ok();
    let page = site.page("briefings/code/index.html");
    let body = body(&page);
    // The alias, in plain text, is the first linkable mention.
    assert!(body.contains(r#"Then <a href="/people/xi-jinping/">President Xi</a> appears in plain text, and Xi again."#), "{body}");
    assert_eq!(
        body.matches("/people/xi-jinping/").count(),
        1,
        "only the first mention: {body}"
    );
}

#[test]
fn mentions_in_code_and_headings_and_inside_words_stay_plain() {
    let site = fixture("mentions");
    site.build_ok();
    let page = site.page("briefings/code/index.html");
    let body = body(&page);
    assert!(
        body.contains(r#"<h2 id="xi-in-the-heading">Xi in the heading</h2>"#),
        "{body}"
    );
    assert!(
        body.contains("<code>Xi</code> in code stays plain, and so does Xiamen"),
        "{body}"
    );
    assert!(body.contains("<pre><code>Xi in a code block"), "{body}");
}

#[test]
fn an_existing_link_is_not_linked_again_and_topics_match_as_written_outside_labels() {
    let site = fixture("mentions");
    site.build_ok();
    let page = site.page("briefings/links/index.html");
    let body = body(&page);
    assert!(body.contains(r#"<a href="https://example.com/">link about Putin</a> is left alone; <a href="/people/vladimir-putin/">Putin</a> later is linked."#), "{body}");
    assert!(body.contains("about state energy firms."), "{body}");
    assert!(
        body.contains("<strong>Energy:</strong> a bold label"),
        "{body}"
    );
    assert!(
        body.contains(r#"and <a href="/topics/energy/">Energy</a> as written is linked."#),
        "{body}"
    );
    // Xi Jinping is named but not listed: no link.
    assert!(!body.contains("/people/xi-jinping/"), "{body}");
}

#[test]
fn mentions_can_be_turned_off_per_briefing_and_per_site() {
    let site = fixture("mentions");
    site.build_ok();
    let page = site.page("briefings/off/index.html");
    assert!(!body(&page).contains("<a "), "{}", body(&page));
    site.write(
        "briefing.yaml",
        "title: Mentions\nbase_url: https://example.org/\nmarkdown: {link_mentions: false}\n",
    );
    site.build_ok();
    let page = site.page("briefings/links/index.html");
    assert!(!body(&page).contains("/people/vladimir-putin/"));
}

#[test]
fn a_topic_profile_can_keep_its_mentions_plain() {
    let site = fixture("mentions");
    site.write(
        "content/topics/energy.md",
        "---\nname: Energy\nlink_mentions: false\n---\n",
    );
    site.build_ok();
    let page = site.page("briefings/links/index.html");
    assert!(!body(&page).contains("/topics/energy/"), "{}", body(&page));
    assert!(body(&page).contains("/people/vladimir-putin/"));
}

#[test]
fn a_person_page_lists_briefings_that_only_mention_them() {
    let site = fixture("mentions");
    site.build_ok();
    let xi = site.page("people/xi-jinping/index.html");
    let also = section(&xi, "id=\"mentioned_h\"");
    assert!(
        links(also).contains(&"/briefings/links/".to_string()),
        "{also}"
    );
    assert!(
        !links(also).contains(&"/briefings/code/".to_string()),
        "listed, so not 'also'"
    );
}

#[test]
fn backlinks_go_both_ways() {
    let site = fixture("mentions");
    // A briefing outside the story, and next to none of it, that links
    // to code: the story's timeline already links the others.
    site.write(
        "content/briefings/2025-09-05-later.md",
        "---\ntitle: Later on\ndate: 2025-09-05\n---\nSee [the code](@/briefings/2025-09-01-code.md).\n",
    );
    site.write(
        "content/briefings/2025-09-04-between.md",
        "---\ntitle: In between\ndate: 2025-09-04\n---\nNothing else.\n",
    );
    site.build_ok();
    let code = site.page("briefings/code/index.html");
    assert!(links(section(&code, "id=\"backlinks_h\"")).contains(&"/briefings/later/".to_string()));
    let linking = site.page("briefings/links/index.html");
    assert!(links(body(&linking)).contains(&"/briefings/code/".to_string()));
    assert!(
        !linking.contains("id=\"backlinks_h\""),
        "nothing links to it"
    );
}

#[test]
fn a_story_has_a_timeline_in_date_order_that_links_each_of_its_briefings_once() {
    let site = fixture("mentions");
    site.build_ok();
    let story = site.page("stories/putin-in-china/index.html");
    let code = story.find("/briefings/code/").expect("code");
    let links_at = story.find("/briefings/links/").expect("links");
    let off = story.find("/briefings/off/").expect("off");
    assert!(code < links_at && links_at < off, "oldest first");
    let middle = site.page("briefings/links/index.html");
    assert!(middle.contains(r#"<li><a href="/stories/">Stories</a></li><li><a href="/stories/putin-in-china/">Putin in China</a></li></ol></nav>"#), "breadcrumbs: {middle}");
    let rail = section(&middle, "id=\"story_h\"");
    assert!(
        rail.contains(r#"<a href="/briefings/code/">Code and headings</a>"#),
        "{rail}"
    );
    assert!(
        rail.contains(r#"<a href="/briefings/off/">Mentions off here</a>"#),
        "{rail}"
    );
    // The timeline has them: previous, next and the lists below do not again.
    let foot = &middle[middle
        .find("<footer class=\"briefing-foot\"")
        .expect("foot")..];
    assert!(
        !foot.contains("/briefings/code/") && !foot.contains("/briefings/off/"),
        "{foot}"
    );
}
