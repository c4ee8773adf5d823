//! `as_of` over HTTP: the event list, one event and the statistics as they stood after
//! each posted article.

use super::tests::{EN, FR, app, call, check_error, post_doc};
use axum::http::StatusCode;
use serde_json::Value;

/// Now, in the store's form.
fn now() -> String {
    let micros = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
    sitrep_store::format_micros(micros as i64)
}

fn langs(page: &Value) -> Vec<usize> {
    let mut n: Vec<usize> =
        page["items"].as_array().unwrap().iter().map(|e| e["langs"].as_array().unwrap().len()).collect();
    n.sort();
    n
}

#[tokio::test]
async fn events_as_they_stood_after_each_article() {
    let a = app(Some("t"));
    let before = now();
    std::thread::sleep(std::time::Duration::from_millis(2));
    let (s, v, _) = call(&a, "POST", "/api/documents", Some("t"), &post_doc("fr", FR)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let after_fr = now();
    let (_, fr_page, _) = call(&a, "GET", "/api/events?status=any&limit=1000", None, "").await;
    std::thread::sleep(std::time::Duration::from_millis(2));
    let (s, v, _) = call(&a, "POST", "/api/documents", Some("t"), &post_doc("en", EN)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, now_page, _) = call(&a, "GET", "/api/events?status=any&limit=1000", None, "").await;
    assert!(langs(&now_page).contains(&2), "the English report joined an event: {:?}", langs(&now_page));

    let (s, then, _) = call(&a, "GET", &format!("/api/events?status=any&limit=1000&as_of={after_fr}"), None, "").await;
    assert_eq!(s, StatusCode::OK, "{then}");
    assert_eq!(then["as_of"], after_fr.as_str());
    assert_eq!(then["items"], fr_page["items"]);
    assert_eq!(then["total"], fr_page["total"]);
    let (_, empty, _) = call(&a, "GET", &format!("/api/events?status=any&as_of={before}"), None, "").await;
    assert_eq!(empty["total"], 0, "{empty}");

    // The fused event, one article then, two now.
    let fused = now_page["items"].as_array().unwrap().iter().find(|e| e["langs"].as_array().unwrap().len() == 2);
    let id = fused.unwrap()["id"].as_str().unwrap();
    let (s, one, _) = call(&a, "GET", &format!("/api/events/{id}?as_of={after_fr}"), None, "").await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(one["langs"], serde_json::json!(["fr"]));
    assert!(one["mentions"].as_array().unwrap().iter().all(|m| m["document"]["id"] == "fr"), "{one}");
    let (_, current, _) = call(&a, "GET", &format!("/api/events/{id}"), None, "").await;
    assert!(current["mentions"].as_array().unwrap().iter().any(|m| m["document"]["id"] == "en"));
    check_error(&call(&a, "GET", &format!("/api/events/{id}?as_of={before}"), None, "").await, 404, "not found");

    // Statistics then; an offset in the query string (`+` written %2B).
    let (_, stats, _) = call(&a, "GET", &format!("/api/stats?by=type&status=any&as_of={after_fr}"), None, "").await;
    let n: i64 = stats["rows"].as_array().unwrap().iter().map(|r| r["events"].as_i64().unwrap()).sum();
    assert_eq!(n, fr_page["total"].as_i64().unwrap(), "{stats}");
    let (s, _, _) = call(&a, "GET", "/api/events?as_of=2022-09-14T12:00%2B02:00", None, "").await;
    assert_eq!(s, StatusCode::OK);
    for bad in ["yesterday", "2022-09-14T12", "2022-02-30"] {
        check_error(&call(&a, "GET", &format!("/api/events?as_of={bad}"), None, "").await, 400, "as_of");
    }
}
