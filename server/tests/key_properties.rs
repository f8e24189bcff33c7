//! Property tests of the key rules: whatever string comes in, an accepted key for a write by
//! alice lies in alice's area, has no dot segments, and is signed into the URL unchanged.

use lasso_server::keys::{authorize, Access, ObjectKey, Roles, User};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Pieces attackers combine: separators, dots, encodings, look-alikes, control characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_string()),
        Just(".".to_string()),
        Just("..".to_string()),
        Just("%2e".to_string()),
        Just("%2f".to_string()),
        Just("\\".to_string()),
        Just("\u{FF0F}".to_string()),
        Just("\u{2025}".to_string()),
        Just("\u{0}".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        Just("alice".to_string()),
        Just("bob".to_string()),
        Just(".json".to_string()),
        "[a-z0-9_-]{1,6}",
    ]
}

fn segment() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..3).prop_map(|p| p.concat())
}

/// Free-form strings, and strings shaped like the layout with hostile pieces mixed in.
fn key() -> impl Strategy<Value = String> {
    let head = prop_oneof![
        Just("target".to_string()),
        Just("src".to_string()),
        segment()
    ];
    let owner = prop_oneof![
        Just("alice".to_string()),
        Just("bob".to_string()),
        segment()
    ];
    let tail = prop_oneof![
        Just(".json".to_string()),
        segment().prop_map(|s| format!("/{s}"))
    ];
    prop_oneof![
        prop::collection::vec(piece(), 1..12).prop_map(|p| p.concat()),
        (head, segment(), owner, tail).prop_map(|(h, t, o, x)| format!("{h}/{t}/{o}{x}")),
    ]
}

fn bucket() -> rusty_s3::Bucket {
    rusty_s3::Bucket::new(
        "http://127.0.0.1:9000".parse().unwrap(),
        rusty_s3::UrlStyle::Path,
        "lasso",
        "us-east-1",
    )
    .unwrap()
}

#[test]
fn accepted_writes_stay_in_alices_area_and_are_signed_verbatim() {
    let alice = User::new("alice", Roles::default()).unwrap();
    let bucket = bucket();
    let mut runner = TestRunner::deterministic();
    let strategy = key();
    let (mut accepted, mut writable, mut refused) = (0, 0, 0);
    for _ in 0..10_000 {
        let raw = strategy.new_tree(&mut runner).unwrap().current();
        let Ok(k) = ObjectKey::parse(&raw) else {
            refused += 1;
            continue;
        };
        accepted += 1;
        assert_eq!(k.as_str(), raw, "keys are never rewritten");
        let segs: Vec<&str> = k.segments().collect();
        assert!(
            segs.iter().all(|s| !s.is_empty() && !s.starts_with('.')),
            "{raw:?}"
        );
        assert_eq!(
            bucket.object_url(k.as_str()).path(),
            format!("/lasso/{raw}"),
            "signed URL must name exactly the checked key"
        );
        if authorize(&alice, &k, Access::Write).is_ok() {
            writable += 1;
            assert_eq!(segs[0], "target", "{raw:?}");
            assert!(
                segs.len() == 3 && segs[2] == "alice.json" || segs.len() >= 4 && segs[2] == "alice",
                "{raw:?}"
            );
        }
    }
    // The generator must exercise every branch, or the test proves nothing.
    assert!(refused > 500, "refused {refused}");
    assert!(accepted > 200, "accepted {accepted}");
    assert!(writable > 15, "writable {writable}");
}
