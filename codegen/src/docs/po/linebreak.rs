//! Where GNU gettext may break a string across lines, and where it does for
//! a given width: the Unicode line breaking algorithm (UAX #14) in the form
//! GNU libunistring 1.0 gives it to gettext 0.21 — a table of class pairs
//! (break directly, only after spaces, or never), spaces and combining
//! marks handled around it, and a greedy fill that breaks at the last
//! opportunity that keeps a line within the width. One deviation from
//! UAX #14 is libunistring's own: a full stop or comma may be followed by a
//! break before a letter (`precondition-failed.` / `description`).

use super::tables::{CLASSES, WIDTHS};

/// A line breaking class (UAX #14), as libunistring resolves them: `AI`,
/// `SA`, `XX` are `Al`, `CB` is `Id`; `OpWide` is an East Asian wide
/// opening punctuation (after which rule LB30 does not apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Wj,
    Gl,
    B2,
    Ba,
    Bb,
    Hy,
    Cl,
    Cp,
    Ex,
    In,
    Ns,
    Op,
    Qu,
    Is,
    Nu,
    Po,
    Pr,
    Sy,
    Al,
    H2,
    H3,
    Id,
    Jl,
    Jv,
    Jt,
    Hl,
    Ri,
    Zwj,
    Eb,
    Em,
    OpWide,
    /// Combining mark: takes the class of the character before it.
    Cm,
    /// Space: no break before it; a break after it where the pair allows.
    Sp,
    /// Zero width space: a break after it.
    Zw,
    /// Mandatory break (line and paragraph separators).
    Bk,
}

/// For each class before a break (rows, in [`Class`] order up to
/// `OpWide`) and after it (columns, same order): `D` a break is allowed,
/// `I` only when spaces come between, `P` never.
const PAIRS: [&str; 31] = [
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIIIII", // Wj
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIIIII", // Gl
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDIDDD", // B2
    "PDDIDIPPPIIDIPDDDPDDDDDDDDDIDDD", // Ba
    "PIIIDIPPPIIIIPIIIPIIIIIIIIIIIII", // Bb
    "PDDIDIPPPIIDIPIDDPDDDDDDDDDIDDD", // Hy
    "PIDIDIPPPIPDIPDIIPDDDDDDDDDIDDD", // Cl
    "PIDIDIPPPIIDIPIIIPIDDDDDDIDIDDD", // Cp
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDIDDD", // Ex
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDIDDD", // In
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDIDDD", // Ns
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPIPPP", // Op
    "PIIIIIPPPIIPIPIIIPIIIIIIIIIIIIP", // Qu
    "PIDIDIPPPIIDIPIDDPDDDDDDDDDIDDD", // Is
    "PIDIDIPPPIIIIPIIIPIDDDDDDIDIDDD", // Nu
    "PIDIDIPPPIIIIPIDDPIDDDDDDIDIDDI", // Po
    "PIDIDIPPPIIIIPIDDPIIIIIIIIDIIII", // Pr
    "PIDIDIPPPIIDIPIDDPDDDDDDDIDIDDD", // Sy
    "PIDIDIPPPIIIIPIIIPIDDDDDDIDIDDD", // Al
    "PIDIDIPPPIIDIPDIDPDDDDDIIDDIDDD", // H2
    "PIDIDIPPPIIDIPDIDPDDDDDDIDDIDDD", // H3
    "PIDIDIPPPIIDIPDIDPDDDDDDDDDIDDD", // Id
    "PIDIDIPPPIIDIPDIDPDIIDDIDDDIDDD", // Jl
    "PIDIDIPPPIIDIPDIDPDDDDDIIDDIDDD", // Jv
    "PIDIDIPPPIIDIPDIDPDDDDDDIDDIDDD", // Jt
    "PIDIDIPPPIIIIPIIIPIDDDDDDIDIDDD", // Hl
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDIDDD", // Ri
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIIIII", // Zwj
    "PIDIDIPPPIIDIPDIDPDDDDDDDDDIDID", // Eb
    "PIDIDIPPPIIDIPDIDPDDDDDDDDDIDDD", // Em
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPIPPP", // OpWide
];

/// What the pair table says about a break between `before` and `after`
/// (both paired classes).
fn pair(before: Class, after: Class) -> u8 {
    PAIRS
        .get(before as usize)
        .and_then(|row| row.as_bytes().get(after as usize))
        .copied()
        .unwrap_or(b'P')
}

/// Looks `c` up in sorted, disjoint `(first, last, value)` ranges.
fn lookup<T: Copy>(ranges: &[(u32, u32, T)], c: char) -> Option<T> {
    let c = u32::from(c);
    let i = ranges.partition_point(|&(_, last, _)| last < c);
    ranges
        .get(i)
        .filter(|&&(first, _, _)| first <= c)
        .map(|&(_, _, value)| value)
}

/// The line breaking class of `c`.
pub(super) fn class(c: char) -> Class {
    if let Some(class) = lookup(CLASSES, c) {
        return class;
    }
    match u32::from(c) {
        // Hangul syllables: LV (every 28th) or LVT.
        cp @ 0xAC00..=0xD7A3 if (cp - 0xAC00) % 28 == 0 => Class::H2,
        0xAC00..=0xD7A3 => Class::H3,
        // Ideographs (CJK unified, extensions, compatibility) and Yi.
        0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA48F
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD => Class::Id,
        _ => Class::Al,
    }
}

/// The columns `c` takes (0 for combining marks and controls, 2 for wide
/// characters).
pub(super) fn width(c: char) -> usize {
    lookup(WIDTHS, c).map_or(1, usize::from)
}

/// Whether a line may, or must, break before a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Break {
    /// Not decided: the rules decide.
    Undefined,
    /// Never here.
    Prohibited,
    /// Allowed here.
    Possible,
    /// Required here (after a line separator).
    Mandatory,
}

/// The break opportunities of `text`: for each character, whether a line
/// may break before it.
fn opportunities(text: &[char]) -> Vec<Break> {
    let mut out = vec![Break::Prohibited; text.len()];
    // Class of the last character that is not a space; `None` at the
    // start of the text or after a mandatory break.
    let mut last: Option<Class> = None;
    let mut space: Option<usize> = None;
    let mut space_before: Option<usize> = None;
    for (i, &c) in text.iter().enumerate() {
        let mut class = class(c);
        let mut at = i;
        match class {
            Class::Bk => {
                out[i] = Break::Mandatory;
                last = None;
                space = None;
                space_before = None;
                continue;
            }
            Class::Sp => {
                space_before = space;
                space = Some(i);
                continue;
            }
            Class::Zw => {
                last = Some(Class::Zw);
                space = None;
                space_before = None;
                continue;
            }
            Class::Cm | Class::Zwj => {
                if last == Some(Class::Zw) {
                    out[i] = Break::Possible;
                    last = Some(Class::Id);
                    continue;
                }
                // A mark attaches to what precedes it; after spaces it
                // turns the last space into an ideograph.
                match space {
                    Some(s) => {
                        at = s;
                        space = space_before;
                        class = Class::Id;
                    }
                    None => continue,
                }
            }
            _ => {}
        }
        out[at] = match last {
            None => Break::Prohibited,
            Some(Class::Zw) => Break::Possible,
            Some(before) => match pair(before, class) {
                b'D' => Break::Possible,
                b'I' if space.is_some() => Break::Possible,
                _ => Break::Prohibited,
            },
        };
        last = Some(class);
        space = None;
        space_before = None;
    }
    out
}

/// Where to break `text` so that its lines fit in `width` columns, the
/// first one starting at column `start`: for each character, whether a
/// line starts there. `overrides` (one per character) replace the rules'
/// decision where they are not [`Break::Undefined`]. A piece of text with
/// no opportunity inside stays whole, however long.
pub(super) fn breaks(text: &[char], overrides: &[Break], width: usize, start: usize) -> Vec<bool> {
    let mut kinds = opportunities(text);
    let mut out = vec![false; text.len()];
    let mut last: Option<usize> = None;
    let mut column = start;
    let mut piece = 0;
    for (i, &c) in text.iter().enumerate() {
        if let Some(&o) = overrides.get(i).filter(|&&o| o != Break::Undefined) {
            kinds[i] = o;
        }
        if matches!(kinds[i], Break::Possible | Break::Mandatory) {
            if let Some(p) = last.filter(|_| column + piece > width) {
                out[p] = true;
                column = 0;
            }
        }
        if kinds[i] == Break::Mandatory {
            last = None;
            column = 0;
            piece = 0;
            continue;
        }
        if kinds[i] == Break::Possible {
            last = Some(i);
            column += piece;
            piece = 0;
        }
        piece += self::width(c);
    }
    if let Some(p) = last.filter(|_| column + piece > width) {
        out[p] = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width: usize) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let overrides = vec![Break::Undefined; chars.len()];
        let mut out = vec![String::new()];
        for (c, b) in chars.iter().zip(breaks(&chars, &overrides, width, 0)) {
            if b {
                out.push(String::new());
            }
            if let Some(line) = out.last_mut() {
                line.push(*c);
            }
        }
        out
    }

    #[test]
    fn breaks_after_spaces_and_hyphens_keeping_trailing_spaces() {
        assert_eq!(lines("aaa bbb ccc", 8), ["aaa bbb ", "ccc"]);
        assert_eq!(
            lines("patch-twin-reported", 12),
            ["patch-twin-", "reported"]
        );
        // libunistring breaks after a full stop before a letter.
        assert_eq!(lines("failed.description", 10), ["failed.", "description"]);
        // Not before a closing parenthesis, nor after an opening one.
        assert_eq!(lines("aaaa (bbbb) cc", 8), ["aaaa ", "(bbbb) ", "cc"]);
        // A piece with no opportunity stays whole.
        assert_eq!(lines("abcdefghijkl", 5), ["abcdefghijkl"]);
    }

    #[test]
    fn classes_and_widths() {
        assert_eq!(class('a'), Class::Al);
        assert_eq!(class('.'), Class::Is);
        assert_eq!(class('('), Class::Op);
        assert_eq!(class('–'), Class::Ba);
        assert_eq!(class('—'), Class::B2);
        assert_eq!(class('一'), Class::Id);
        assert_eq!(class('가'), Class::H2);
        assert_eq!(class('각'), Class::H3);
        assert_eq!(width('a'), 1);
        assert_eq!(width('一'), 2);
        assert_eq!(width('\u{301}'), 0);
    }

    #[test]
    fn the_tables_are_sorted_and_disjoint() {
        for pair in CLASSES.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
        for pair in WIDTHS.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
        assert!(PAIRS.iter().all(|row| row.len() == PAIRS.len()));
    }
}
