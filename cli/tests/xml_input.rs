//! `mpp convert` and `mpp info` on MSPDI input (a small document built here).

use std::process::Command;

const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
    <Title>Plan</Title>
    <StartDate>2024-01-02T08:00:00</StartDate>
    <Tasks>
        <Task><UID>1</UID><ID>1</ID><Name>Dig</Name><Duration>PT16H0M0S</Duration><DurationFormat>7</DurationFormat></Task>
    </Tasks>
</Project>
"#;

fn mpp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mpp"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn converts_and_describes_mspdi() {
    let dir = std::env::temp_dir().join(format!("mpp-cli-xml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("plan.xml");
    std::fs::write(&input, DOC).unwrap();
    let output = dir.join("out.xml");

    let run = mpp(&[
        "convert",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let xml = std::fs::read_to_string(&output).unwrap();
    assert!(xml.contains("<Title>Plan</Title>"));
    assert!(xml.contains("<Name>Dig</Name>"));
    assert!(xml.contains("<Duration>PT16H0M0S</Duration>"));

    let info = mpp(&["info", input.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        text.contains("MSPDI (XML)") && text.contains("Plan"),
        "{text}"
    );

    // Neither a compound file nor MSPDI: exit status 1 and one line saying why.
    std::fs::write(&input, "<html/>").unwrap();
    let bad = mpp(&["info", input.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not MSPDI's <Project>"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_timephased_leaves_out_the_daily_work() {
    let doc = DOC.replace(
        "</Tasks>",
        "</Tasks><Resources><Resource><UID>1</UID><ID>1</ID></Resource></Resources>
        <Assignments><Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID>
        <TimephasedData><Type>1</Type><UID>1</UID><Start>2024-01-02T08:00:00</Start>
        <Finish>2024-01-03T08:00:00</Finish><Unit>2</Unit><Value>PT8H0M0S</Value></TimephasedData>
        </Assignment></Assignments>",
    );
    let dir = std::env::temp_dir().join(format!("mpp-cli-tp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("plan.xml");
    std::fs::write(&input, doc).unwrap();
    let with = mpp(&["convert", input.to_str().unwrap()]);
    let without = mpp(&["convert", input.to_str().unwrap(), "--no-timephased"]);
    assert!(with.status.success() && without.status.success());
    let (with, without) = (
        String::from_utf8_lossy(&with.stdout),
        String::from_utf8_lossy(&without.stdout),
    );
    assert!(with.contains("<Value>PT8H0M0S</Value>"), "{with}");
    assert!(!without.contains("TimephasedData"), "{without}");
    assert!(without.contains("<Assignment>"));
    let _ = std::fs::remove_dir_all(&dir);
}
