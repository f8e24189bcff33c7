//! The local store's listings read only the prefix's directory and still answer exactly what
//! S3 would: every key under the prefix, in order, in pages, after a start key.

mod common;

use common::start;
use lasso_server::bucket::Precondition;

#[tokio::test]
async fn listings_by_prefix_are_complete_ordered_and_paged() {
    let env = start().await;
    let s3 = env.server.presigner.s3();
    let mut keys: Vec<String> = Vec::new();
    for p in ["p", "p-2", "q"] {
        for t in ["a", "a-b", "a.b", "b_c", "z"] {
            for n in 0..3 {
                keys.push(format!("{p}/state/slots/{t}/{n}"));
            }
            keys.push(format!("{p}/state/slots/{t}/0.done"));
        }
        keys.push(format!("{p}/project.json"));
    }
    for k in &keys {
        s3.put(k, "application/json", b"{}".to_vec(), &Precondition::None)
            .await
            .unwrap();
    }
    keys.sort();
    let under = |prefix: &str| -> Vec<String> {
        keys.iter()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    };
    for prefix in [
        "p/",
        "p/state/slots/",
        "p/state/slots/a",
        "p/state/slots/a/",
        "p-",
        "q/project",
        "none/",
        "",
    ] {
        let listed: Vec<String> = s3
            .list(prefix)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(listed, under(prefix), "prefix {prefix:?}");
    }
    // A range after a start key, to an end key, and pages of a few keys.
    let (range, more) = s3
        .list_range(
            "p/state/slots/",
            Some("p/state/slots/a-b"),
            Some("p/state/slots/a.b/~"),
            usize::MAX,
        )
        .await
        .unwrap();
    let expected: Vec<String> = under("p/state/slots/")
        .into_iter()
        .filter(|k| k.as_str() > "p/state/slots/a-b" && k.as_str() <= "p/state/slots/a.b/~")
        .collect();
    assert_eq!(
        range.into_iter().map(|o| o.key).collect::<Vec<_>>(),
        expected
    );
    assert!(more);
    let (first, more) = s3.list_range("q/", None, None, 5).await.unwrap();
    assert_eq!(first.len(), 5);
    assert!(more);
    // The rest of the bucket's layout still answers through the store's own listing.
    let roots = s3.list_prefixes("").await.unwrap();
    assert_eq!(roots, vec!["p-2/", "p/", "q/"]);
}
