//! The geocoding provider over HTTP: Kakao Local's address search, keyword search and reverse
//! geocoding (`Authorization: KakaoAK <key>`), behind a timeout and a small cache of recent
//! questions. The provider's quirks stay here: `x` is the longitude and `y` the latitude, both
//! strings; `road_address` may be null; pages end with `meta.is_end`.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lru::LruCache;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{Place, PlaceMatches};
use crate::platform::geo::Position;

/// Where the provider is and how patient to be with it.
#[derive(Debug, Clone)]
pub struct GeocoderSettings {
    /// e.g. `https://dapi.kakao.com`.
    pub base_url: String,
    pub key: String,
    /// Longest wait for one call: a person is looking at a spinner.
    pub timeout: Duration,
}

impl GeocoderSettings {
    pub fn new(base_url: impl Into<String>, key: impl Into<String>) -> GeocoderSettings {
        GeocoderSettings {
            base_url: base_url.into(),
            key: key.into(),
            timeout: Duration::from_secs(2),
        }
    }
}

/// Why the provider gave no answer we can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeocodeError {
    #[error("the provider refused our key")]
    Unauthorized,
    #[error("the provider answered {0}")]
    Status(u16),
    #[error("the provider's answer could not be read: {0}")]
    Unreadable(String),
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
}

/// Recent answers are kept this long: addresses change slowly, and a person retyping the same
/// street should not cost a call.
const CACHE_FOR: Duration = Duration::from_secs(600);
const CACHE_ENTRIES: usize = 512;
/// Keyword matches are preferred within this distance of the person (the provider's most).
const NEAR_RADIUS_M: u32 = 20_000;
/// The provider's largest pages for address and keyword search.
const ADDRESS_PAGE: usize = 10;
const KEYWORD_PAGE: usize = 15;

type Cache = LruCache<String, (Instant, serde_json::Value)>;

#[derive(Clone)]
pub struct Geocoder {
    http: reqwest::Client,
    settings: GeocoderSettings,
    cache: Arc<Mutex<Cache>>,
}

impl std::fmt::Debug for Geocoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Geocoder")
            .field("base_url", &self.settings.base_url)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Deserialize)]
struct Meta {
    #[serde(default = "ended")]
    is_end: bool,
}

fn ended() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct Answer<D> {
    meta: Meta,
    documents: Vec<D>,
}

impl<D> Answer<D> {
    /// One page of places, refusing the whole answer if any document holds no usable point.
    fn into_matches(
        self,
        place: impl Fn(D) -> Result<Place, GeocodeError>,
    ) -> Result<PlaceMatches, GeocodeError> {
        Ok(PlaceMatches {
            more: !self.meta.is_end,
            places: self
                .documents
                .into_iter()
                .map(place)
                .collect::<Result<_, _>>()?,
        })
    }
}

#[derive(Debug, Deserialize)]
struct LotPart {
    address_name: String,
}

#[derive(Debug, Deserialize)]
struct RoadPart {
    address_name: String,
    #[serde(default)]
    building_name: String,
}

impl RoadPart {
    /// The building's name, when the provider knows one (it sends "" otherwise).
    fn building(&self) -> Option<String> {
        non_empty(self.building_name.clone())
    }
}

#[derive(Debug, Deserialize)]
struct AddressDocument {
    address_name: String,
    x: String,
    y: String,
    address: Option<LotPart>,
    road_address: Option<RoadPart>,
}

#[derive(Debug, Deserialize)]
struct KeywordDocument {
    place_name: String,
    address_name: String,
    #[serde(default)]
    road_address_name: String,
    x: String,
    y: String,
}

#[derive(Debug, Deserialize)]
struct ReverseDocument {
    address: Option<LotPart>,
    road_address: Option<RoadPart>,
}

/// An answer of the provider's, kept as JSON in the cache, read as `D`.
fn read<D: DeserializeOwned>(value: &serde_json::Value) -> Result<D, GeocodeError> {
    D::deserialize(value).map_err(|error| GeocodeError::Unreadable(error.to_string()))
}

/// The provider's `x` (longitude) and `y` (latitude) strings as a point.
fn position_of(x: &str, y: &str) -> Result<Position, GeocodeError> {
    let (lng, lat) = (x.parse::<f64>(), y.parse::<f64>());
    match (lat, lng) {
        (Ok(lat), Ok(lng)) => Position::new(lat, lng)
            .ok_or_else(|| GeocodeError::Unreadable(format!("x={x}, y={y} is off the map"))),
        _ => Err(GeocodeError::Unreadable(format!(
            "x={x}, y={y} are not numbers"
        ))),
    }
}

fn non_empty(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

impl AddressDocument {
    fn into_place(self) -> Result<Place, GeocodeError> {
        let position = position_of(&self.x, &self.y)?;
        let building = self.road_address.as_ref().and_then(RoadPart::building);
        Ok(Place {
            lot_address: self
                .address
                .map(|lot| lot.address_name)
                .unwrap_or(self.address_name),
            road_address: self.road_address.map(|road| road.address_name),
            building,
            position,
        })
    }
}

impl KeywordDocument {
    fn into_place(self) -> Result<Place, GeocodeError> {
        Ok(Place {
            position: position_of(&self.x, &self.y)?,
            road_address: non_empty(self.road_address_name),
            lot_address: self.address_name,
            building: non_empty(self.place_name),
        })
    }
}

impl Geocoder {
    pub fn new(settings: GeocoderSettings) -> Result<Geocoder, GeocodeError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .map_err(|error| GeocodeError::Unreachable(error.to_string()))?;
        let entries = NonZeroUsize::new(CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN);
        Ok(Geocoder {
            http,
            settings,
            cache: Arc::new(Mutex::new(LruCache::new(entries))),
        })
    }

    /// Addresses and places matching `query`, page `page` (from 1): addresses first, then
    /// buildings and places, nearest to `near` first. One of the two searches failing still
    /// answers with the other's matches.
    pub async fn search(
        &self,
        query: &str,
        near: Option<Position>,
        page: u32,
    ) -> Result<PlaceMatches, GeocodeError> {
        let (addresses, places) = tokio::join!(
            self.address_search(query, page),
            self.keyword_search(query, near, page)
        );
        let (addresses, places) = match (addresses, places) {
            (Err(error), Err(_)) => return Err(error),
            (Ok(addresses), Err(error)) => {
                tracing::warn!(%error, "keyword search failed; answering with addresses only");
                (addresses, PlaceMatches::default())
            }
            (Err(error), Ok(places)) => {
                tracing::warn!(%error, "address search failed; answering with places only");
                (PlaceMatches::default(), places)
            }
            (Ok(addresses), Ok(places)) => (addresses, places),
        };
        let mut matches = addresses;
        for place in places.places {
            let known = matches.places.iter().any(|seen| {
                seen.lot_address == place.lot_address && seen.building == place.building
            });
            if !known {
                matches.places.push(place);
            }
        }
        matches.more |= places.more;
        Ok(matches)
    }

    /// The provider's address search (road and lot-number addresses).
    pub async fn address_search(
        &self,
        query: &str,
        page: u32,
    ) -> Result<PlaceMatches, GeocodeError> {
        let page = page.to_string();
        let size = ADDRESS_PAGE.to_string();
        let answer: Answer<AddressDocument> = self
            .get(
                "/v2/local/search/address.json",
                &[("query", query), ("page", &page), ("size", &size)],
            )
            .await?;
        answer.into_matches(AddressDocument::into_place)
    }

    /// The provider's keyword search (buildings, stations, shops), nearest to `near` first.
    pub async fn keyword_search(
        &self,
        query: &str,
        near: Option<Position>,
        page: u32,
    ) -> Result<PlaceMatches, GeocodeError> {
        let page = page.to_string();
        let size = KEYWORD_PAGE.to_string();
        let near = near.map(|at| {
            [
                at.lng.to_string(),
                at.lat.to_string(),
                NEAR_RADIUS_M.to_string(),
            ]
        });
        let mut parameters = vec![("query", query), ("page", &page), ("size", &size)];
        if let Some([x, y, radius]) = &near {
            parameters.extend([
                ("x", x.as_str()),
                ("y", y.as_str()),
                ("radius", radius.as_str()),
            ]);
            parameters.push(("sort", "distance"));
        }
        let answer: Answer<KeywordDocument> = self
            .get("/v2/local/search/keyword.json", &parameters)
            .await?;
        answer.into_matches(KeywordDocument::into_place)
    }

    /// The address at `at`, if any: reverse geocoding. The place keeps `at` as its point.
    pub async fn address_at(&self, at: Position) -> Result<Option<Place>, GeocodeError> {
        let (x, y) = (at.lng.to_string(), at.lat.to_string());
        let answer: Answer<ReverseDocument> = self
            .get("/v2/local/geo/coord2address.json", &[("x", &x), ("y", &y)])
            .await?;
        Ok(answer.documents.into_iter().next().and_then(|document| {
            let building = document.road_address.as_ref().and_then(RoadPart::building);
            let road_address = document.road_address.map(|road| road.address_name);
            let lot_address = document
                .address
                .map(|lot| lot.address_name)
                .or_else(|| road_address.clone())?;
            Some(Place {
                road_address,
                lot_address,
                building,
                position: at,
            })
        }))
    }

    async fn get<D: DeserializeOwned>(
        &self,
        path: &str,
        parameters: &[(&str, &str)],
    ) -> Result<D, GeocodeError> {
        let cache_key = format!("{path}?{parameters:?}");
        if let Some(value) = self.cached(&cache_key) {
            return read(&value);
        }
        let response = self
            .http
            .get(format!("{}{path}", self.settings.base_url))
            .header("Authorization", format!("KakaoAK {}", self.settings.key))
            .query(parameters)
            .send()
            .await
            .map_err(|error| GeocodeError::Unreachable(error.to_string()))?;
        match response.status().as_u16() {
            200 => {}
            401 | 403 => return Err(GeocodeError::Unauthorized),
            other => return Err(GeocodeError::Status(other)),
        }
        let value: serde_json::Value = response
            .json()
            .await
            .map_err(|error| GeocodeError::Unreadable(error.to_string()))?;
        let answer = read(&value)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.put(cache_key, (Instant::now(), value));
        }
        Ok(answer)
    }

    fn cached(&self, key: &str) -> Option<serde_json::Value> {
        let mut cache = self.cache.lock().ok()?;
        match cache.get(key) {
            Some((at, value)) if at.elapsed() < CACHE_FOR => Some(value.clone()),
            Some(_) => {
                cache.pop(key);
                None
            }
            None => None,
        }
    }
}
