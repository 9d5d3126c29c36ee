//! The seed's text: a fixed-seed generator of support-chat messages. Words follow a Zipf
//! distribution (exponent 1) over a vocabulary ranked from everyday English words, through the
//! words of customer support, to 200,000 made-up words (the long tail), so that a query can be
//! a word found in a handful of messages or in a few percent of them. Some messages carry an
//! order number. Message `i` depends only on the seed and `i`, so any part of the seed can be
//! generated again, in any order, to know what the store holds.

use std::collections::HashSet;

/// Everyday words, the most frequent first.
pub const FUNCTION_WORDS: &str = "\
    i the to my a and is it you for of in can not this have me on that with be but was we your \
    do please hi so are at just get if am or no yes how what when why there still been an from \
    will would could all any again now know need want help thanks thank hello got did does has \
    had should which they them our us one two some more only also very much too here then than \
    about after before since because while last next first same other new";

/// The words of customer support, the most frequent first.
pub const SUPPORT_WORDS: &str = "\
    order account payment refund delivery password invoice subscription shipping package email \
    login problem issue error app update card price plan cancel address phone number days week \
    today tomorrow received item product size colour return exchange store website page checkout \
    discount code coupon charge charged bank transfer receipt tracking courier warehouse damaged \
    missing wrong broken late early support team manager question answer reply message chat \
    screen button browser mobile android iphone download install version settings profile \
    username reset verify verification link expired invalid blocked locked unlock access data \
    export import report billing monthly yearly annual trial premium upgrade downgrade renewal \
    automatic notification newsletter unsubscribe privacy security delete remove change changed \
    edit save saved upload file photo document attachment form field status pending processing \
    shipped delivered cancelled confirmed confirmation booking reservation ticket flight hotel \
    room table menu restaurant voucher gift balance credit debit wallet fee tax quote estimate \
    contract warranty repair replacement battery charger cable device laptop printer router wifi \
    internet connection slow crash freeze loading sync calendar appointment schedule meeting \
    call callback partial full amount total euros dollars weekend morning evening hours minutes \
    urgent soon waiting waited response feedback complaint review rating experience service \
    quality parcel label stock available shoes jacket dress furniture kitchen insurance claim \
    policy deposit withdrawal fraud statement overdue reminder discounted sale bundle license \
    key activation serial model screenshot firmware bluetooth speaker";

/// Words of the server's own notes ("Agent 3 joined the conversation") and of the names this
/// tool gives ("Visitor 12", "Supervisor 4"): a query that is part of one of them would find
/// those too, so no query is.
pub const SYSTEM_WORDS: &[&str] = &[
    "agent",
    "supervisor",
    "visitor",
    "admin",
    "joined",
    "the",
    "conversation",
];

/// Made-up words: three syllables of a consonant and a vowel.
pub const MADE_UP_WORDS: usize = 200_000;
const CONSONANTS: &[u8] = b"bdfghklmnprstvz";
const VOWELS: &[u8] = b"aeiou";
/// Messages carry 2 words and a number drawn with mean 12 more (at most 60 in all).
const MEAN_EXTRA_WORDS: f64 = 12.0;
const MAX_WORDS: usize = 60;
/// Chance of each word being an order number (`#482913`) instead.
const NUMBER_CHANCE: f64 = 0.004;

/// One word of a message: a vocabulary word by rank, or an order number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Word(u32),
    Number(u32),
}

/// The everyday and support words, by rank.
fn real_words() -> impl Iterator<Item = &'static str> {
    FUNCTION_WORDS
        .split_whitespace()
        .chain(SUPPORT_WORDS.split_whitespace())
}

/// The vocabulary with its Zipf weights, and the seed.
pub struct Corpus {
    seed: u64,
    /// Ranks `function..real` are the support words, from `real` on the made-up ones.
    function: usize,
    real: usize,
    words: Vec<String>,
    /// Cumulative Zipf weight up to and including each rank.
    cumulative: Vec<f64>,
}

impl Corpus {
    pub fn new(seed: u64) -> Corpus {
        Corpus::with_made_up_words(seed, MADE_UP_WORDS)
    }

    pub fn with_made_up_words(seed: u64, made_up: usize) -> Corpus {
        let mut words: Vec<String> = real_words().map(str::to_string).collect();
        let real = words.len();
        words.extend(made_up_words(made_up));
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Corpus {
            seed,
            function: FUNCTION_WORDS.split_whitespace().count(),
            real,
            words,
            cumulative,
        }
    }

    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    pub fn vocabulary(&self) -> &[String] {
        &self.words
    }

    /// Whether the word of rank `id` is one of the support words.
    pub fn is_support_word(&self, id: u32) -> bool {
        (self.function..self.real).contains(&(id as usize))
    }

    /// Whether the word of rank `id` is made up.
    pub fn is_made_up(&self, id: u32) -> bool {
        id as usize >= self.real
    }

    /// The words of message `i`, in order.
    pub fn tokens(&self, i: u64, out: &mut Vec<Token>) {
        out.clear();
        let mut rng = Rng::new(self.seed, i, 1);
        let extra = (-(1.0 - rng.unit()).ln() * MEAN_EXTRA_WORDS) as usize;
        let count = (2 + extra).min(MAX_WORDS);
        for _ in 0..count {
            if rng.unit() < NUMBER_CHANCE {
                out.push(Token::Number(100_000 + (rng.next() % 900_000) as u32));
            } else {
                out.push(Token::Word(self.sample(&mut rng)));
            }
        }
    }

    /// Message `i` as it is sent: its words with capitals, commas and full stops.
    pub fn message(&self, i: u64) -> String {
        let mut tokens = Vec::new();
        self.tokens(i, &mut tokens);
        let mut rng = Rng::new(self.seed, i, 2);
        let mut text = String::with_capacity(tokens.len() * 8);
        let mut capital = true;
        for (k, token) in tokens.iter().enumerate() {
            let start = text.len();
            match token {
                Token::Word(id) => text.push_str(self.word(*id)),
                Token::Number(n) => {
                    text.push('#');
                    text.push_str(&n.to_string());
                }
            }
            if capital {
                text[start..=start].make_ascii_uppercase();
                capital = false;
            }
            if k + 1 < tokens.len() {
                let r = rng.unit();
                if r < 0.06 {
                    text.push_str(", ");
                } else if r < 0.10 {
                    text.push_str(". ");
                    capital = true;
                } else {
                    text.push(' ');
                }
            }
        }
        let end = rng.unit();
        text.push_str(if end < 0.5 {
            "."
        } else if end < 0.8 {
            "?"
        } else if end < 0.9 {
            "!"
        } else {
            ""
        });
        text
    }

    /// A word's rank, drawn with the Zipf weights.
    fn sample(&self, rng: &mut Rng) -> u32 {
        let total = *self.cumulative.last().expect("a vocabulary");
        let x = rng.unit() * total;
        let rank = self.cumulative.partition_point(|&c| c <= x);
        rank.min(self.words.len() - 1) as u32
    }
}

/// `count` made-up words, scattered over every three-syllable word, leaving out any that
/// starts a real or a system word (a query for the made-up word would find that word too).
fn made_up_words(count: usize) -> Vec<String> {
    let syllables = CONSONANTS.len() * VOWELS.len();
    let space = syllables.pow(3);
    let starts: HashSet<&str> = real_words()
        .chain(SYSTEM_WORDS.iter().copied())
        .filter(|w| w.len() >= 6)
        .map(|w| &w[..6])
        .collect();
    // 104,729 is prime and divides neither 3 nor 5, so it walks every one of the 75³ words.
    (0..space)
        .map(|k| (k * 104_729) % space)
        .map(|m| {
            let mut w = String::with_capacity(6);
            for s in [
                m % syllables,
                (m / syllables) % syllables,
                m / syllables / syllables,
            ] {
                w.push(CONSONANTS[s / VOWELS.len()] as char);
                w.push(VOWELS[s % VOWELS.len()] as char);
            }
            w
        })
        .filter(|w| !starts.contains(w.as_str()))
        .take(count)
        .collect()
}

/// SplitMix64, one stream per message and purpose.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, i: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ 0x5EED_0F5E_A2C4_0000);
        let a = r.next();
        let mut r = Rng(a ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (stream << 56));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Corpus {
        Corpus::with_made_up_words(7, 20_000)
    }

    #[test]
    fn messages_depend_only_on_the_seed_and_their_number() {
        let (a, b) = (small(), small());
        for i in [0, 1, 17, 999_999] {
            assert_eq!(a.message(i), b.message(i));
        }
        assert_ne!(a.message(1), a.message(2));
        assert_ne!(
            a.message(1),
            Corpus::with_made_up_words(8, 20_000).message(1)
        );
    }

    #[test]
    fn the_text_holds_exactly_the_tokens() {
        let c = small();
        let mut tokens = Vec::new();
        for i in 0..500 {
            c.tokens(i, &mut tokens);
            let expected: Vec<String> = tokens
                .iter()
                .map(|t| match t {
                    Token::Word(id) => c.word(*id).to_string(),
                    Token::Number(n) => n.to_string(),
                })
                .collect();
            // Split as the stores' tokenizers do: on anything but letters and digits, any case.
            let text = c.message(i);
            let words: Vec<String> = text
                .split(|ch: char| !ch.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            assert_eq!(words, expected, "message {i}: {text}");
            assert!(text.chars().next().unwrap().is_uppercase() || text.starts_with('#'));
            assert!((2..=MAX_WORDS).contains(&tokens.len()));
        }
    }

    #[test]
    fn words_follow_a_long_tailed_distribution() {
        let c = small();
        let mut counts = vec![0u32; c.vocabulary().len()];
        let (mut tokens, mut total, mut numbers) = (Vec::new(), 0u32, 0u32);
        for i in 0..20_000 {
            c.tokens(i, &mut tokens);
            for t in &tokens {
                total += 1;
                match t {
                    Token::Word(id) => counts[*id as usize] += 1,
                    Token::Number(_) => numbers += 1,
                }
            }
        }
        let mean = total as f64 / 20_000.0;
        assert!((11.0..17.0).contains(&mean), "{mean} words per message");
        // Rank 1 about twice rank 2 and ten times rank 10 (Zipf, exponent 1).
        let ratio = counts[0] as f64 / counts[9] as f64;
        assert!((7.0..13.0).contains(&ratio), "{ratio}");
        assert!(counts[0] > counts[1] && counts[1] > counts[9]);
        // A long tail: thousands of made-up words drawn only once.
        let once = counts[c.real..].iter().filter(|&&n| n == 1).count();
        assert!(once > 1_000, "{once}");
        assert!(numbers > 0);
    }

    #[test]
    fn no_word_is_a_query_for_another_or_for_the_server_s_notes() {
        let words = made_up_words(MADE_UP_WORDS);
        assert_eq!(words.len(), MADE_UP_WORDS);
        let distinct: HashSet<&String> = words.iter().collect();
        assert_eq!(distinct.len(), words.len());
        let real: Vec<&str> = real_words().chain(SYSTEM_WORDS.iter().copied()).collect();
        for w in &words {
            assert_eq!(w.len(), 6);
            assert!(!real.iter().any(|r| r.starts_with(w.as_str())), "{w}");
        }
        // The real words are distinct, lower-case letters.
        let real_set: HashSet<&str> = real_words().collect();
        assert_eq!(real_set.len(), real_words().count());
        let c = Corpus::with_made_up_words(1, 10);
        assert!(c.is_support_word(c.function as u32) && !c.is_support_word(0));
        assert_eq!(c.word(c.function as u32), "order");
        assert!(c.is_made_up(c.real as u32) && !c.is_made_up(c.real as u32 - 1));
        assert!(
            real.iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        );
        // "remove" is made of three syllables too: left out of the made-up words.
        assert!(!distinct.contains(&"remove".to_string()));
    }

    #[test]
    fn rng_is_uniform_enough() {
        let mut r = Rng::new(1, 2, 3);
        let mean = (0..10_000).map(|_| r.unit()).sum::<f64>() / 10_000.0;
        assert!((0.48..0.52).contains(&mean), "{mean}");
    }
}
