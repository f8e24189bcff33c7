//! Dataset format tests: round trips, bad input, and random input that must never panic.

mod coco;
mod csv;
mod support;
mod voc;
mod yolo;
