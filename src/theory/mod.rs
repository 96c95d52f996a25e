pub mod capped;
pub mod diagonal;
pub mod estimate;
pub mod general;
mod prop3;
pub mod schedule;
pub mod seeds;
pub mod verdicts;
