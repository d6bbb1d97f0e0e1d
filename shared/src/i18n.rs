//! German and English: every word a user sees, from one Fluent catalogue per
//! language (`shared/locales/{de,en}.ftl`), for the browser client and for what
//! the server writes into boards (template frames and their questions).
//!
//! The catalogues are compiled in and parsed once. A key missing in a
//! catalogue falls back to English and then to the key itself, so a gap shows
//! as a visible key, never as an empty label; the tests here fail on any key
//! missing in either language and on any key the code asks for that neither
//! has.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// German.
    De,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order a switch shows them.
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    /// The BCP 47 tag (`de`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The language's own name, as a switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::De => "Deutsch",
            Lang::En => "English",
        }
    }

    /// The language a tag names (`de`, `de-AT`, `en-GB`, …), if it is one of ours.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', ';'])
            .next()?
            .to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first of ours among preferred languages (a browser's
    /// `navigator.languages`, or an `Accept-Language` header split at commas);
    /// English if none is.
    pub fn preferred<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::De => include_str!("../locales/de.ftl"),
            Lang::En => include_str!("../locales/en.ftl"),
        }
    }
}

/// An argument of a message: text or a number.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Text, as it is.
    Text(String),
    /// A number (plural rules choose by it).
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(u8, u16, u32, u64, usize, i32, i64, f32, f64);

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| Lang::ALL.map(build));
    &all[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)]
}

fn build(lang: Lang) -> Bundle {
    // A catalogue that does not parse fails the tests below; at run time the
    // entries that did parse still serve.
    let resource = FluentResource::try_new(lang.source().to_owned()).unwrap_or_else(|(r, _)| r);
    let id = lang
        .tag()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // Isolation marks around arguments only matter for right-to-left text.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
}

fn format(lang: Lang, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let (id, attribute) = match key.split_once('.') {
        Some((id, attr)) => (id, Some(attr)),
        None => (key, None),
    };
    let b = bundle(lang);
    let message = b.get_message(id)?;
    let pattern = match attribute {
        Some(attr) => message.get_attribute(attr)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    Some(b.format_pattern(pattern, args, &mut errors).into_owned())
}

/// The text of `key` (`message` or `message.attribute`) in `lang`; English if
/// `lang` lacks it; the key itself if both do.
pub fn text(lang: Lang, key: &str) -> String {
    text_with(lang, key, &[])
}

/// [`text`] with arguments (`{ $name }` in the catalogue).
pub fn text_with(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(s) => fluent.set(*name, FluentValue::from(s.clone())),
            Arg::Number(n) => fluent.set(*name, FluentValue::from(*n)),
        }
    }
    let args = (!args.is_empty()).then_some(&fluent);
    format(lang, key, args)
        .or_else(|| format(Lang::En, key, args))
        .unwrap_or_else(|| key.to_owned())
}

/// Whether `lang`'s catalogue has `key` (`message` or `message.attribute`).
pub fn has(lang: Lang, key: &str) -> bool {
    let (id, attribute) = match key.split_once('.') {
        Some((id, attr)) => (id, Some(attr)),
        None => (key, None),
    };
    bundle(lang)
        .get_message(id)
        .is_some_and(|m| match attribute {
            Some(attr) => m.get_attribute(attr).is_some(),
            None => m.value().is_some(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::BTreeSet;

    /// Every `message` and `message.attribute` a catalogue defines, with the
    /// variables each uses.
    fn entries(lang: Lang) -> BTreeSet<(String, BTreeSet<String>)> {
        let parsed = fluent_syntax::parser::parse(lang.source())
            .unwrap_or_else(|(_, errors)| panic!("{}.ftl does not parse: {errors:?}", lang.tag()));
        let mut out = BTreeSet::new();
        for entry in parsed.body {
            if let ast::Entry::Message(m) = entry {
                let id = m.id.name.to_owned();
                if let Some(value) = &m.value {
                    out.insert((id.clone(), variables(value)));
                }
                for attr in &m.attributes {
                    out.insert((format!("{id}.{}", attr.id.name), variables(&attr.value)));
                }
            }
        }
        out
    }

    fn variables(p: &ast::Pattern<&str>) -> BTreeSet<String> {
        fn walk(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Inline(i) => inline(i, out),
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        pattern(&v.value, out);
                    }
                }
            }
        }
        fn inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_owned());
                }
                ast::InlineExpression::Placeable { expression } => walk(expression, out),
                _ => {}
            }
        }
        fn pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for element in &p.elements {
                if let ast::PatternElement::Placeable { expression } = element {
                    walk(expression, out);
                }
            }
        }
        let mut out = BTreeSet::new();
        pattern(p, &mut out);
        out
    }

    #[test]
    fn both_catalogues_have_the_same_keys_with_the_same_arguments() {
        let de = entries(Lang::De);
        let en = entries(Lang::En);
        let only_de: Vec<_> = de.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&de).collect();
        assert!(
            only_de.is_empty() && only_en.is_empty(),
            "keys (with their arguments) missing in en.ftl: {only_de:?}; missing in de.ftl: {only_en:?}"
        );
        assert!(en.len() > 10, "the catalogues are nearly empty");
    }

    /// The keys the code asks for: the string literal after every `t(`,
    /// `t_with(`, `text(lang,` and `text_with(lang,` in the sources of the
    /// client, the server and this crate.
    fn keys_in_code() -> BTreeSet<(String, String)> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut out = BTreeSet::new();
        let mut stack: Vec<std::path::PathBuf> = ["client/src", "server/src", "shared/src"]
            .iter()
            .map(|d| std::path::Path::new(root).join(d))
            .collect();
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("read source dir").flatten() {
                    stack.push(entry.path());
                }
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("read source");
            for marker in ["t(", "t_with(", "text(lang,", "text_with(lang,"] {
                let mut rest = source.as_str();
                while let Some(at) = rest.find(marker) {
                    let before = rest[..at].chars().last();
                    rest = &rest[at + marker.len()..];
                    // `t(` only as a name of its own (not `format(` or `set(`).
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    // The key may be on the next line, as rustfmt breaks calls.
                    let Some(quoted) = rest.trim_start().strip_prefix('"') else {
                        continue;
                    };
                    if let Some(end) = quoted.find('"') {
                        let key = &quoted[..end];
                        // Only what has the shape of a key (not `t("…")` in a comment).
                        let key_shaped = key.starts_with(|c: char| c.is_ascii_lowercase())
                            && key.chars().all(|c| {
                                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
                            });
                        if key_shaped {
                            out.insert((key.to_owned(), path.display().to_string()));
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_key_the_code_asks_for_is_in_both_catalogues() {
        let asked = keys_in_code();
        assert!(
            asked.len() > 100,
            "only {} keys found in the code",
            asked.len()
        );
        let missing: Vec<_> = asked
            .into_iter()
            .filter(|(key, _)| !Lang::ALL.iter().all(|l| has(*l, key)))
            .collect();
        assert!(
            missing.is_empty(),
            "keys missing in a catalogue: {missing:#?}"
        );
    }

    /// Keys made at run time: role names, template names, frame titles.
    #[test]
    fn every_role_template_and_frame_has_its_words_in_both_catalogues() {
        for lang in Lang::ALL {
            for code in crate::refusal::RefusalCode::ALL {
                assert!(has(lang, code.label_key()), "{lang:?}: {code:?}");
            }
            for role in crate::roles::Role::ALL {
                assert!(has(lang, &role.label_key()), "{lang:?}: {role:?}");
            }
            for t in crate::templates::Template::ALL {
                assert!(
                    has(lang, &format!("template-{}", t.id())),
                    "{lang:?}: {t:?}"
                );
                for (key, ..) in t.frames() {
                    assert!(has(lang, key), "{lang:?}: {key}");
                    let hint = crate::templates::Template::hint_key(key);
                    assert!(has(lang, &hint), "{lang:?}: {hint}");
                }
                if t != crate::templates::Template::Blank {
                    let howto = format!("template-{}-howto", t.id());
                    assert!(has(lang, &howto), "{lang:?}: {howto}");
                }
            }
        }
    }

    #[test]
    fn texts_take_arguments_and_fall_back_to_english_then_the_key() {
        assert_eq!(Lang::preferred(["fr-FR", "de-AT", "en"]), Lang::De);
        assert_eq!(Lang::preferred(["fr"]), Lang::En);
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(text(Lang::De, "no-such-key"), "no-such-key");
        assert_eq!(text(Lang::De, "lang-name"), "Deutsch");
        assert_eq!(text(Lang::En, "lang-name"), "English");
    }
}
