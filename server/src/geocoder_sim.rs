//! A geocoding simulator: stands in for Kakao Local's REST API in the demo, tests and benchmarks.
//!
//! The same paths, parameters and JSON as the provider: address search
//! (`GET /v2/local/search/address.json?query&page&size`), keyword search for places and buildings
//! (`GET /v2/local/search/keyword.json?query&x&y&radius&page&size`) and reverse geocoding
//! (`GET /v2/local/geo/coord2address.json?x&y`), each answering 401 without
//! `Authorization: KakaoAK <key>`. As at the provider, `x` is the longitude and `y` the latitude,
//! both strings; `road_address` is `null` for places that have only a lot number; pages end with
//! `meta.is_end`.
//!
//! Its gazetteer is the demo neighbourhood (Seongsu-dong, Seoul): the demo stores' buildings,
//! apartment complexes, stations, a park, a lot-number-only plot. Switches, at start-up and at run
//! time (`PUT /control`, with `--test-controls` only): latency, a failing provider (500s) and one
//! that answers garbage.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use app::platform::geo::Position;

use crate::simulators::serve_in_process;
/// With `Served`, `/control`, where tests switch its behaviour.
pub use crate::simulators::TestControls;

const GAZETTEER: &str = include_str!("../sim/seongsu-gazetteer.json");

/// The run-time switches.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Switches {
    /// Added to every call before it is answered.
    pub latency_ms: u64,
    /// Every call fails with a 500.
    pub failing: bool,
    /// Every call answers 200 with a body that is not the provider's JSON.
    pub garbage: bool,
}

/// One place the simulator knows.
#[derive(Debug, Clone, Deserialize)]
struct Entry {
    road: Option<String>,
    lot: String,
    building: Option<String>,
    zone: Option<String>,
    lat: f64,
    lng: f64,
}

#[derive(Debug)]
struct Geocoder {
    key: String,
    switches: Switches,
    entries: Vec<Entry>,
}

#[derive(Clone)]
struct Shared(Arc<Mutex<Geocoder>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Geocoder> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The simulator's routes, answering to the API key `key`.
pub fn router(key: &str, switches: Switches, controls: TestControls) -> Router {
    let entries: Vec<Entry> =
        serde_json::from_str(GAZETTEER).expect("sim/seongsu-gazetteer.json is valid");
    let shared = Shared(Arc::new(Mutex::new(Geocoder {
        key: key.to_owned(),
        switches,
        entries,
    })));
    let provider = Router::new()
        .route("/v2/local/search/address.json", get(address_search))
        .route("/v2/local/search/keyword.json", get(keyword_search))
        .route("/v2/local/geo/coord2address.json", get(coord_to_address));
    let routes = match controls {
        TestControls::Served => provider.route("/control", get(read_switches).put(set_switches)),
        TestControls::Absent => provider,
    };
    routes.with_state(shared)
}

/// Serves a simulator inside this process on a free local port; returns its base address.
pub async fn start_in_process(
    key: &str,
    switches: Switches,
    controls: TestControls,
) -> std::io::Result<String> {
    serve_in_process("geocoding simulator", router(key, switches, controls)).await
}

/// What every call goes through first: the key, the latency, the failure switches.
async fn admit(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let (key, switches) = {
        let geocoder = shared.lock();
        (geocoder.key.clone(), geocoder.switches.clone())
    };
    if switches.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(switches.latency_ms)).await;
    }
    let sent = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("KakaoAK "));
    if sent != Some(key.as_str()) {
        return Err(provider_error(
            StatusCode::UNAUTHORIZED,
            "AccessDeniedError",
            "cannot find appkey",
        ));
    }
    if switches.failing {
        return Err(provider_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "internal server error",
        ));
    }
    if switches.garbage {
        return Err((StatusCode::OK, "<html><body>maintenance</body></html>").into_response());
    }
    Ok(())
}

fn provider_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "errorType": kind, "message": message })),
    )
        .into_response()
}

fn missing(parameter: &str) -> Response {
    provider_error(
        StatusCode::BAD_REQUEST,
        "MissingParameter",
        &format!("{parameter} parameter required"),
    )
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    query: Option<String>,
    page: Option<usize>,
    size: Option<usize>,
    x: Option<String>,
    y: Option<String>,
    radius: Option<f64>,
}

/// Text compared without spaces, as the provider matches "성수이로78" to "성수이로 78".
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// One page of `found`, with the provider's `meta`.
fn paged(found: Vec<Value>, page: Option<usize>, size: Option<usize>, most: usize) -> Response {
    let page = page.unwrap_or(1);
    let size = size.unwrap_or(most);
    if !(1..=45).contains(&page) || !(1..=most).contains(&size) {
        return provider_error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "page is more than max or size is out of range",
        );
    }
    let total = found.len();
    let documents: Vec<Value> = found
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .collect();
    let is_end = page * size >= total;
    Json(json!({
        "meta": { "total_count": total, "pageable_count": total, "is_end": is_end },
        "documents": documents,
    }))
    .into_response()
}

fn coordinate(value: f64) -> String {
    format!("{value:.7}")
}

fn lot_part(entry: &Entry) -> Value {
    let mut words = entry.lot.split(' ');
    let region_1 = words.next().unwrap_or_default();
    let region_2 = words.next().unwrap_or_default();
    let region_3 = words.next().unwrap_or_default();
    let number = words.next().unwrap_or_default();
    let (main, sub) = number.split_once('-').unwrap_or((number, ""));
    json!({
        "address_name": entry.lot,
        "region_1depth_name": region_1,
        "region_2depth_name": region_2,
        "region_3depth_name": region_3,
        "mountain_yn": "N",
        "main_address_no": main,
        "sub_address_no": sub,
        "x": coordinate(entry.lng),
        "y": coordinate(entry.lat),
    })
}

fn road_part(entry: &Entry) -> Value {
    let Some(road) = &entry.road else {
        return Value::Null;
    };
    let number = road.rsplit(' ').next().unwrap_or_default();
    let (main, sub) = number.split_once('-').unwrap_or((number, ""));
    let road_name = road
        .rsplit_once(' ')
        .map(|(rest, _)| rest.rsplit(' ').next().unwrap_or_default())
        .unwrap_or_default();
    json!({
        "address_name": road,
        "road_name": road_name,
        "underground_yn": "N",
        "main_building_no": main,
        "sub_building_no": sub,
        "building_name": entry.building.clone().unwrap_or_default(),
        "zone_no": entry.zone.clone().unwrap_or_default(),
        "x": coordinate(entry.lng),
        "y": coordinate(entry.lat),
    })
}

/// A search's common start: the key and switches, then the query it needs, without spaces.
async fn admit_search(
    shared: &Shared,
    headers: &HeaderMap,
    query: &SearchQuery,
) -> Result<String, Response> {
    admit(shared, headers).await?;
    query
        .query
        .as_deref()
        .map(squeezed)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| missing("query"))
}

async fn address_search(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, Response> {
    let text = admit_search(&shared, &headers, &query).await?;
    let found = shared
        .lock()
        .entries
        .iter()
        .filter(|entry| {
            squeezed(&entry.lot).contains(&text)
                || entry.road.as_deref().is_some_and(|road| squeezed(road).contains(&text))
        })
        .map(|entry| {
            let on_road = entry
                .road
                .as_deref()
                .is_some_and(|road| squeezed(road).contains(&text));
            json!({
                "address_name": if on_road { entry.road.clone().unwrap_or_default() } else { entry.lot.clone() },
                "address_type": if on_road { "ROAD_ADDR" } else { "REGION_ADDR" },
                "x": coordinate(entry.lng),
                "y": coordinate(entry.lat),
                "address": lot_part(entry),
                "road_address": road_part(entry),
            })
        })
        .collect();
    Ok(paged(found, query.page, query.size, 30))
}

/// The provider's `x` (longitude) and `y` (latitude) parameters as a point.
fn point(x: Option<&str>, y: Option<&str>) -> Option<Position> {
    Position::new(y?.parse().ok()?, x?.parse().ok()?)
}

impl Entry {
    fn position(&self) -> Position {
        Position {
            lat: self.lat,
            lng: self.lng,
        }
    }
}

async fn keyword_search(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, Response> {
    let text = admit_search(&shared, &headers, &query).await?;
    let near = point(query.x.as_deref(), query.y.as_deref());
    let radius = query.radius;
    if radius.is_some_and(|r| !(0.0..=20_000.0).contains(&r)) {
        return Err(provider_error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "radius must be between 0 and 20000",
        ));
    }
    let mut found: Vec<(f64, Value)> = shared
        .lock()
        .entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            let name = entry.building.as_deref()?;
            if !squeezed(name).contains(&text) {
                return None;
            }
            let distance = near.map(|at| at.distance_m(entry.position()));
            if let (Some(distance), Some(radius)) = (distance, radius) {
                if distance > radius {
                    return None;
                }
            }
            let document = json!({
                "id": (26_000_000 + index).to_string(),
                "place_name": name,
                "category_name": "",
                "category_group_code": "",
                "category_group_name": "",
                "phone": "",
                "address_name": entry.lot,
                "road_address_name": entry.road.clone().unwrap_or_default(),
                "x": coordinate(entry.lng),
                "y": coordinate(entry.lat),
                "place_url": format!("http://place.map.kakao.com/{}", 26_000_000 + index),
                "distance": distance.map(|d| format!("{}", d.round() as i64)).unwrap_or_default(),
            });
            Some((distance.unwrap_or(0.0), document))
        })
        .collect();
    if near.is_some() {
        found.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok(paged(
        found.into_iter().map(|(_, document)| document).collect(),
        query.page,
        query.size,
        15,
    ))
}

#[derive(Debug, Deserialize)]
struct CoordQuery {
    x: Option<String>,
    y: Option<String>,
}

/// The nearest known place within this many metres answers a reverse lookup.
const REVERSE_REACH_M: f64 = 300.0;

async fn coord_to_address(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<CoordQuery>,
) -> Result<Response, Response> {
    admit(&shared, &headers).await?;
    let at = point(query.x.as_deref(), query.y.as_deref()).ok_or_else(|| missing("x, y"))?;
    let geocoder = shared.lock();
    let nearest = geocoder
        .entries
        .iter()
        .map(|entry| (at.distance_m(entry.position()), entry))
        .filter(|(distance, _)| *distance <= REVERSE_REACH_M)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let documents: Vec<Value> = nearest
        .map(|(_, entry)| {
            json!({
                "address": lot_part(entry),
                "road_address": road_part(entry),
            })
        })
        .into_iter()
        .collect();
    Ok(
        Json(json!({ "meta": { "total_count": documents.len() }, "documents": documents }))
            .into_response(),
    )
}

async fn read_switches(State(shared): State<Shared>) -> Json<Switches> {
    Json(shared.lock().switches.clone())
}

async fn set_switches(State(shared): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    shared.lock().switches = switches;
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gazetteer_reads_and_every_place_is_in_seoul() {
        let entries: Vec<Entry> = serde_json::from_str(GAZETTEER).expect("valid");
        assert!(entries.len() >= 20);
        assert!(
            entries.iter().any(|e| e.road.is_none()),
            "a lot-number-only place"
        );
        for entry in entries {
            assert!(entry.lot.starts_with("서울 "), "{}", entry.lot);
            assert!((37.4..37.7).contains(&entry.lat) && (126.8..127.2).contains(&entry.lng));
        }
    }

    #[test]
    fn a_road_address_splits_into_its_parts() {
        let entry = Entry {
            road: Some("서울 성동구 왕십리로 83-21".into()),
            lot: "서울 성동구 성수동1가 685-700".into(),
            building: Some("아크로 서울포레스트".into()),
            zone: Some("04769".into()),
            lat: 37.5445,
            lng: 127.044,
        };
        let road = road_part(&entry);
        assert_eq!(road["road_name"], "왕십리로");
        assert_eq!(road["main_building_no"], "83");
        assert_eq!(road["sub_building_no"], "21");
        let lot = lot_part(&entry);
        assert_eq!(lot["region_3depth_name"], "성수동1가");
        assert_eq!(lot["main_address_no"], "685");
        assert_eq!(lot["x"], "127.0440000");
    }
}
