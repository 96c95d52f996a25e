pub mod eigen;
pub mod linalg;
pub mod ode;
pub mod philox;
pub mod random;
pub mod roots;
