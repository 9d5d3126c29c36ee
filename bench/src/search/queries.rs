//! The searches: the queries (chosen from what the seed holds), how many messages each one must
//! find for each searcher, and which searcher runs which query when.

use std::collections::HashSet;

use serde::Serialize;

use super::text::{Corpus, Rng, SYSTEM_WORDS, Token};

/// Queries of each kind.
pub const RARE: usize = 100;
pub const COMMON: usize = 20;
pub const PAIRS: usize = 40;
pub const PREFIXES: usize = 20;
/// A rare word is in at least one and at most this many messages.
pub const RARE_MAX: u32 = 10;
/// The most results one search returns (the server's bound).
pub const MAX_RESULTS: u64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// A made-up word found in 1 to 10 messages.
    Rare,
    /// One of the most frequent support words.
    Common,
    /// Two support words, both required.
    TwoTerms,
    /// The first 3 or 4 letters of a frequent support word.
    Prefix,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Rare, Kind::Common, Kind::TwoTerms, Kind::Prefix];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Rare => "rare word",
            Kind::Common => "common word",
            Kind::TwoTerms => "two words",
            Kind::Prefix => "prefix",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Rare => "rare",
            Kind::Common => "common",
            Kind::TwoTerms => "two_terms",
            Kind::Prefix => "prefix",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Debug)]
pub struct Query {
    pub kind: Kind,
    /// What is sent as `q`.
    pub text: String,
    pub terms: Vec<String>,
    /// Messages with a word starting with each term, in all.
    pub matches: u64,
    /// The same within the conversations of each plain agent.
    pub per_agent: Vec<u64>,
}

/// Where the seed's messages are: message `i` is in conversation `i % conversations`, and
/// conversation `c` is assigned to plain agent `c % plain_agents` (when there are any).
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub messages: u64,
    pub conversations: u64,
    pub plain_agents: usize,
}

impl Layout {
    pub fn owner(&self, i: u64) -> Option<usize> {
        (self.plain_agents > 0)
            .then(|| ((i % self.conversations) % self.plain_agents as u64) as usize)
    }
}

/// Searcher `j` of the organization: even ones are supervisors, odd ones plain agents.
pub fn is_supervisor(j: usize) -> bool {
    j.is_multiple_of(2)
}

pub fn plain_agents(searchers: usize) -> usize {
    searchers / 2
}

/// The queries of each kind, in `Kind::ALL` order.
pub struct Queries {
    pub by_kind: [Vec<Query>; 4],
}

impl Queries {
    pub fn of(&self, kind: Kind) -> &[Query] {
        &self.by_kind[kind.index()]
    }

    pub fn is_empty(&self) -> bool {
        self.by_kind.iter().all(Vec::is_empty)
    }

    /// Search number `j`: the searcher that runs it and its query. Searchers take turns
    /// (so each searches at the same steady rate); the kinds take turns too, shifted by one
    /// each round of searchers, so every searcher runs every kind.
    pub fn pick(&self, j: u64, searchers: usize) -> (usize, &Query) {
        let s = searchers.max(1) as u64;
        let searcher = (j % s) as usize;
        for shift in 0..4 {
            let kind = Kind::ALL[((j + j / s + shift) % 4) as usize];
            let list = self.of(kind);
            if !list.is_empty() {
                return (searcher, &list[(j / 4) as usize % list.len()]);
            }
        }
        panic!("pick on an empty query set")
    }

    /// How many message results searcher `searcher` must get for `q`.
    pub fn expected(q: &Query, searcher: usize) -> u64 {
        let found = match is_supervisor(searcher) {
            true => q.matches,
            false => q.per_agent.get(searcher / 2).copied().unwrap_or(0),
        };
        found.min(MAX_RESULTS)
    }
}

/// Whether a query term would also find the server's notes or the tool's names.
fn allowed(term: &str) -> bool {
    !SYSTEM_WORDS.iter().any(|s| s.contains(term))
}

/// Picks the queries from what the first `layout.messages` messages of `corpus` hold and
/// counts the messages each matches. `seed` decides which rare words are taken.
pub fn choose(corpus: &Corpus, layout: &Layout, seed: u64) -> Queries {
    let df = document_frequencies(corpus, layout.messages);
    let vocab = corpus.vocabulary();
    let word = |id: usize| vocab[id].as_str();
    let mut rare: Vec<(u64, usize)> = (0..vocab.len())
        .filter(|&id| corpus.is_made_up(id as u32))
        .filter(|&id| (1..=RARE_MAX).contains(&df[id]) && allowed(word(id)))
        .map(|id| (Rng::new(seed, id as u64, 3).next(), id))
        .collect();
    rare.sort_unstable();
    let mut support: Vec<usize> = (0..vocab.len())
        .filter(|&id| corpus.is_support_word(id as u32) && df[id] > 0 && allowed(word(id)))
        .collect();
    support.sort_by_key(|&id| (std::cmp::Reverse(df[id]), id));
    let single = |kind: Kind, w: &str| Query {
        kind,
        text: w.to_string(),
        terms: vec![w.to_string()],
        matches: 0,
        per_agent: vec![],
    };
    let rare: Vec<Query> = rare
        .iter()
        .take(RARE)
        .map(|&(_, id)| single(Kind::Rare, word(id)))
        .collect();
    let common: Vec<Query> = support
        .iter()
        .take(COMMON)
        .map(|&id| single(Kind::Common, word(id)))
        .collect();
    let mut pairs = vec![];
    let top = &support[..support.len().min(60)];
    let mut seen = HashSet::new();
    for k in 0..PAIRS * 2 {
        if pairs.len() == PAIRS || top.len() < 2 {
            break;
        }
        let (a, b) = (top[k % top.len()], top[(k * 7 + 3) % top.len()]);
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        let terms = vec![word(a).to_string(), word(b).to_string()];
        pairs.push(Query {
            kind: Kind::TwoTerms,
            text: terms.join(" "),
            terms,
            matches: 0,
            per_agent: vec![],
        });
    }
    let mut prefixes: Vec<Query> = vec![];
    for &id in &support {
        let len = if prefixes.len().is_multiple_of(2) {
            3
        } else {
            4
        };
        let w = word(id);
        if w.len() <= len {
            continue;
        }
        let p = &w[..len];
        if allowed(p) && !prefixes.iter().any(|q| q.text == p) {
            prefixes.push(single(Kind::Prefix, p));
        }
        if prefixes.len() == PREFIXES {
            break;
        }
    }
    let mut queries = Queries {
        by_kind: [rare, common, pairs, prefixes],
    };
    count(corpus, layout, &mut queries);
    queries
}

/// In how many of the first `messages` messages each word is.
fn document_frequencies(corpus: &Corpus, messages: u64) -> Vec<u32> {
    let n = corpus.vocabulary().len();
    let (mut df, mut last) = (vec![0u32; n], vec![u64::MAX; n]);
    let mut tokens = Vec::new();
    for i in 0..messages {
        corpus.tokens(i, &mut tokens);
        for t in &tokens {
            if let Token::Word(id) = *t {
                let id = id as usize;
                if last[id] != i {
                    last[id] = i;
                    df[id] += 1;
                }
            }
        }
    }
    df
}

/// Counts, for every query, the messages with a word starting with each of its terms, in all
/// and per plain agent.
fn count(corpus: &Corpus, layout: &Layout, queries: &mut Queries) {
    let all: Vec<&mut Query> = queries.by_kind.iter_mut().flatten().collect();
    let mut terms: Vec<String> = vec![];
    for q in &all {
        for t in &q.terms {
            if !terms.contains(t) {
                terms.push(t.clone());
            }
        }
    }
    // The words each term finds, by a range of the sorted vocabulary.
    let vocab = corpus.vocabulary();
    let mut sorted: Vec<(&str, u32)> = vocab
        .iter()
        .enumerate()
        .map(|(id, w)| (w.as_str(), id as u32))
        .collect();
    sorted.sort_unstable();
    let mut word_terms: Vec<Vec<u32>> = vec![vec![]; vocab.len()];
    for (t, term) in terms.iter().enumerate() {
        let from = sorted.partition_point(|(w, _)| *w < term.as_str());
        for (w, id) in &sorted[from..] {
            if !w.starts_with(term.as_str()) {
                break;
            }
            word_terms[*id as usize].push(t as u32);
        }
    }
    let query_terms: Vec<Vec<usize>> = all
        .iter()
        .map(|q| {
            q.terms
                .iter()
                .map(|t| terms.iter().position(|x| x == t).expect("a term"))
                .collect()
        })
        .collect();
    let mut term_queries: Vec<Vec<usize>> = vec![vec![]; terms.len()];
    for (q, ts) in query_terms.iter().enumerate() {
        for &t in ts {
            term_queries[t].push(q);
        }
    }
    let mut matches = vec![0u64; all.len()];
    let mut per_agent = vec![vec![0u64; layout.plain_agents]; all.len()];
    let (mut term_seen, mut query_seen) = (vec![u64::MAX; terms.len()], vec![u64::MAX; all.len()]);
    let (mut tokens, mut touched) = (Vec::new(), Vec::new());
    for i in 0..layout.messages {
        corpus.tokens(i, &mut tokens);
        touched.clear();
        for t in &tokens {
            if let Token::Word(id) = *t {
                for &term in &word_terms[id as usize] {
                    if term_seen[term as usize] != i {
                        term_seen[term as usize] = i;
                        touched.push(term as usize);
                    }
                }
            }
        }
        for &term in &touched {
            for &q in &term_queries[term] {
                if query_seen[q] != i && query_terms[q].iter().all(|&t| term_seen[t] == i) {
                    query_seen[q] = i;
                    matches[q] += 1;
                    if let Some(a) = layout.owner(i) {
                        per_agent[q][a] += 1;
                    }
                }
            }
        }
    }
    for (k, q) in all.into_iter().enumerate() {
        q.matches = matches[k];
        q.per_agent = std::mem::take(&mut per_agent[k]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn counts_agree_with_reading_every_message() {
        let corpus = Corpus::with_made_up_words(3, 20_000);
        let layout = Layout {
            messages: 3_000,
            conversations: 30,
            plain_agents: 2,
        };
        let queries = choose(&corpus, &layout, 3);
        assert_eq!(queries.of(Kind::Rare).len(), RARE);
        assert_eq!(queries.of(Kind::Common).len(), COMMON);
        assert_eq!(queries.of(Kind::TwoTerms).len(), PAIRS);
        assert_eq!(queries.of(Kind::Prefix).len(), PREFIXES);
        let texts: Vec<Vec<String>> = (0..layout.messages)
            .map(|i| words_of(&corpus.message(i)))
            .collect();
        for q in queries.by_kind.iter().flatten() {
            let mut per_agent = vec![0u64; 2];
            let mut total = 0;
            for (i, words) in texts.iter().enumerate() {
                let hit = q
                    .terms
                    .iter()
                    .all(|t| words.iter().any(|w| w.starts_with(t.as_str())));
                if hit {
                    total += 1;
                    per_agent[layout.owner(i as u64).unwrap()] += 1;
                }
            }
            assert_eq!((q.matches, &q.per_agent), (total, &per_agent), "{}", q.text);
            assert!(q.terms.iter().all(|t| allowed(t)), "{}", q.text);
        }
        for q in queries.of(Kind::Rare) {
            assert!((1..=RARE_MAX as u64).contains(&q.matches), "{}", q.text);
        }
        // The common words are in more messages than the result bound.
        assert!(
            queries
                .of(Kind::Common)
                .iter()
                .all(|q| q.matches > MAX_RESULTS)
        );
        for q in queries.of(Kind::Prefix) {
            assert!(q.text.len() == 3 || q.text.len() == 4);
        }
    }

    #[test]
    fn searchers_take_turns_and_each_runs_every_kind() {
        let corpus = Corpus::with_made_up_words(3, 20_000);
        let layout = Layout {
            messages: 2_000,
            conversations: 40,
            plain_agents: 2,
        };
        let queries = choose(&corpus, &layout, 3);
        let searchers = 4;
        let mut runs = vec![[0u32; 4]; searchers];
        for j in 0..400 {
            let (s, q) = queries.pick(j, searchers);
            assert_eq!(s, (j % 4) as usize);
            runs[s][q.kind.index()] += 1;
        }
        for r in &runs {
            assert!(r.iter().all(|&n| n == 25), "{runs:?}");
        }
    }

    #[test]
    fn expected_results_follow_what_each_searcher_sees() {
        let q = Query {
            kind: Kind::Common,
            text: "order".into(),
            terms: vec!["order".into()],
            matches: 50,
            per_agent: vec![12, 38],
        };
        assert_eq!(Queries::expected(&q, 0), 20);
        assert_eq!(Queries::expected(&q, 1), 12);
        assert_eq!(Queries::expected(&q, 3), 20);
        assert!(!allowed("visit") && !allowed("conv") && !allowed("tor"));
        assert!(allowed("order"));
        let layout = Layout {
            messages: 100,
            conversations: 10,
            plain_agents: 3,
        };
        assert_eq!(layout.owner(25), Some(2));
        let none = Layout {
            plain_agents: 0,
            ..layout
        };
        assert_eq!(none.owner(25), None);
    }
}
