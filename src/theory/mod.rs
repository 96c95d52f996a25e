pub mod capped;
pub mod diagonal;
pub mod estimate;
pub mod general;
pub mod schedule;
pub mod seeds;
