//! Hash maps with a fixed seed. std's default `RandomState` seeds each process differently, so
//! iteration order (merges, JSON map order) and probe counts vary from run to run, and with them
//! instruction counts. `DefaultHasher::new()` always uses the same keys; DashFlow's graphs are
//! small and their keys are not attacker-controlled, so HashDoS resistance is not needed.

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

/// The deterministic hasher builder used for every map in the engine and its states.
pub type FixedState = BuildHasherDefault<DefaultHasher>;

pub type HashMap<K, V> = std::collections::HashMap<K, V, FixedState>;
pub type HashSet<T> = std::collections::HashSet<T, FixedState>;
