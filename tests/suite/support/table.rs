//! Table-driven tests: one row a case, each run on a thread named after the row, so a failing
//! row's panic reads `thread '<row name>' panicked at …` and the test then names every row that
//! failed. The rows run side by side, as the separate `#[test]`s they replace did.

/// Runs `case(name, data)` on every row of `rows` (`(name, data)`), each on its own thread
/// named `name`, and fails naming each row whose case panicked. Names must be distinct.
pub fn each<R: Sync>(rows: &[(&str, R)], case: impl Fn(&str, &R) + Sync) {
    let mut names: Vec<&str> = rows.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), rows.len(), "row names are distinct");
    let case = &case;
    let failed: Vec<&str> = std::thread::scope(|scope| {
        let running: Vec<_> = rows
            .iter()
            .map(|(name, row)| {
                let thread = std::thread::Builder::new()
                    .name((*name).to_string())
                    .spawn_scoped(scope, move || case(name, row))
                    .expect("spawn a row's thread");
                (*name, thread)
            })
            .collect();
        running
            .into_iter()
            .filter_map(|(name, thread)| thread.join().is_err().then_some(name))
            .collect()
    });
    assert!(
        failed.is_empty(),
        "rows failed: {failed:?} (each one's panic is above, under its name)"
    );
}
