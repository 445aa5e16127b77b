//! Reader unit tests on small documents built here.

use mpp_core::{
    DateTime, Error, FieldValue, Recurrence, RelationType, ResourceType, TimeOfDay, TimeUnit,
    WorkPeriod,
};

use super::*;

fn doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Project xmlns=\"{NAMESPACE}\">\n{body}\n</Project>\n"
    )
}

/// The document the writer makes of `p`, with default options.
fn written(p: &Project) -> String {
    let mut out = Vec::new();
    crate::write(p, &mut out, &crate::WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

fn read_str(text: &str) -> Result<Project> {
    read_bytes(text.as_bytes(), &ReadOptions::default())
}

#[test]
fn header_and_units() {
    let p = read_str(&doc(
        "<Title>A &amp; B</Title><StartDate>2024-01-02T08:00:00</StartDate>\
         <MinutesPerDay>450</MinutesPerDay><DurationFormat>5</DurationFormat>\
         <DefaultStartTime>09:00:00</DefaultStartTime><CalendarUID>3</CalendarUID>\
         <ScheduleFromStart>0</ScheduleFromStart><Unknown><X>1</X></Unknown>",
    ))
    .unwrap();
    let pr = &p.properties;
    assert_eq!(pr.title.as_deref(), Some("A & B"));
    assert_eq!(pr.start_date.unwrap().to_string(), "2024-01-02T08:00:00");
    assert_eq!(pr.factors.minutes_per_day, 450.0);
    assert_eq!(pr.default_duration_units, Some(TimeUnit::Hours));
    assert_eq!(pr.default_start_time, Some(TimeOfDay(9 * 3600)));
    assert_eq!(pr.default_calendar_uid, Some(3));
    assert!(!pr.schedule_from_start);
}

#[test]
fn tasks_links_baselines_and_custom_values() {
    let p = read_str(&doc(
        "<MinutesPerDay>480</MinutesPerDay><DurationFormat>7</DurationFormat>
        <OutlineCodes><OutlineCode><FieldID>188743731</FieldID><Values><Value>
          <ValueID>4</ValueID><FieldGUID>B218997A-DAD2-E811-AC3F-4CEDDE6E5B57</FieldGUID>
          <Type>21</Type><Value>Red</Value></Value></Values></OutlineCode></OutlineCodes>
        <ExtendedAttributes><ExtendedAttribute><FieldID>188743731</FieldID>
          <FieldName>Text1</FieldName><Alias>Colour</Alias></ExtendedAttribute></ExtendedAttributes>
        <Tasks>
          <Task><UID>0</UID><ID>0</ID><Name>Plan</Name><OutlineLevel>0</OutlineLevel></Task>
          <Task><UID>1</UID><ID>1</ID><Name>Dig</Name><OutlineLevel>1</OutlineLevel>
            <Duration>PT24H0M0S</Duration><DurationFormat>39</DurationFormat>
            <Work>PT-1H30M0S</Work><FixedCost>12345</FixedCost><TotalSlack>9600</TotalSlack>
            <Critical>0</Critical><LevelingDelay>4800</LevelingDelay>
            <LevelingDelayFormat>5</LevelingDelayFormat>
            <PredecessorLink><PredecessorUID>7</PredecessorUID><Type>3</Type>
              <CrossProject>1</CrossProject><LinkLag>-600</LinkLag><LagFormat>5</LagFormat></PredecessorLink>
            <ExtendedAttribute><FieldID>188743731</FieldID><Value>Red</Value>
              <ValueGUID>B218997A-DAD2-E811-AC3F-4CEDDE6E5B57</ValueGUID></ExtendedAttribute>
            <ExtendedAttribute><FieldID>188743783</FieldID><Value>PT16H0M0S</Value>
              <DurationFormat>5</DurationFormat></ExtendedAttribute>
            <ExtendedAttribute><FieldID>188743786</FieldID><Value>1250</Value></ExtendedAttribute>
            <Baseline><Number>0</Number><Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat>
              <Cost>500</Cost></Baseline>
            <OutlineCode><FieldID>188743731</FieldID><ValueID>4</ValueID></OutlineCode>
          </Task>
          <Task><UID>2</UID><ID>2</ID><IsNull>1</IsNull></Task>
        </Tasks>",
    ))
    .unwrap();
    let t = p.task(1).unwrap();
    assert_eq!(t.parent, Some(0));
    let d = t.duration.unwrap();
    assert_eq!((d.value, d.units), (3.0, TimeUnit::Days));
    assert!(t.estimated);
    assert_eq!(t.work, Some(-1.5));
    assert_eq!(t.fixed_cost, Some(123.45));
    // 9600 tenths = 960 minutes = 2 days of 8 hours
    assert_eq!(t.total_slack.unwrap().value, 2.0);
    let lag = t.leveling_delay.unwrap();
    assert_eq!((lag.value, lag.units), (8.0, TimeUnit::Hours));
    let link = &t.predecessors[0];
    assert_eq!(link.kind, RelationType::StartStart);
    assert_eq!((link.lag_tenths, link.lag_units), (-600, TimeUnit::Hours));
    // The link's predecessor is another project's task: kept as an external placeholder.
    assert!(p.task(7).is_some_and(|x| x.external_task));
    assert_eq!(t.custom.len(), 4);
    assert_eq!(t.custom[0].value, FieldValue::Text("Red".into()));
    assert_eq!(t.custom[0].value_id, Some(4));
    assert_eq!(
        t.custom[1].value,
        FieldValue::Duration(mpp_core::Duration::new(16.0, TimeUnit::Hours))
    );
    assert_eq!(t.custom[2].value, FieldValue::Cost(12.5));
    assert_eq!(t.custom[3].value, FieldValue::Text("Red".into()));
    let b = &t.baselines[0];
    assert_eq!(b.duration.unwrap().value, 1.0);
    assert_eq!(b.cost, Some(5.0));
    let def = &p.custom_fields[0];
    assert_eq!(def.alias.as_deref(), Some("Colour"));
    assert_eq!(def.values[0].value, "Red");
    let null = p.task(2).unwrap();
    assert!(null.is_null && null.duration.is_none() && null.parent.is_none());
}

#[test]
fn calendars_do_not_count_legacy_exception_days_twice() {
    let legacy = "<WeekDay><DayType>0</DayType><DayWorking>0</DayWorking><TimePeriod>\
        <FromDate>2024-12-25T00:00:00</FromDate><ToDate>2024-12-25T23:59:59</ToDate></TimePeriod></WeekDay>";
    let week = "<WeekDay><DayType>2</DayType><DayWorking>1</DayWorking><WorkingTimes>\
        <WorkingTime><FromTime>08:00:00</FromTime><ToTime>00:00:00</ToTime></WorkingTime>\
        </WorkingTimes></WeekDay>";
    let p = read_str(&doc(&format!(
        "<Calendars>
          <Calendar><UID>1</UID><Name>Std</Name><IsBaseCalendar>1</IsBaseCalendar>
            <BaseCalendarUID>-1</BaseCalendarUID><WeekDays>{week}{legacy}{legacy}</WeekDays>
            <Exceptions><Exception><EnteredByOccurrences>1</EnteredByOccurrences>
              <TimePeriod><FromDate>2024-12-25T00:00:00</FromDate><ToDate>2025-12-25T23:59:59</ToDate></TimePeriod>
              <Occurrences>2</Occurrences><Name>Xmas</Name><Type>2</Type><Month>11</Month><MonthDay>25</MonthDay>
              <DayWorking>0</DayWorking></Exception>
              <Exception><EnteredByOccurrences>1</EnteredByOccurrences>
              <TimePeriod><FromDate>2024-01-08T00:00:00</FromDate><ToDate>2024-03-11T23:59:59</ToDate></TimePeriod>
              <Occurrences>3</Occurrences><Type>5</Type><Period>2</Period><MonthItem>4</MonthItem>
              <MonthPosition>1</MonthPosition><DayWorking>1</DayWorking><WorkingTimes><WorkingTime>
              <FromTime>09:00:00</FromTime><ToTime>10:00:00</ToTime></WorkingTime></WorkingTimes></Exception>
            </Exceptions></Calendar>
          <Calendar><UID>2</UID><Name>Old</Name><IsBaseCalendar>1</IsBaseCalendar>
            <WeekDays>{legacy}</WeekDays></Calendar>
          <Calendar><UID>3</UID><Name>Ann</Name><IsBaseCalendar>0</IsBaseCalendar>
            <BaseCalendarUID>1</BaseCalendarUID></Calendar>
        </Calendars>
        <Resources><Resource><UID>5</UID><ID>1</ID><Name>Ann</Name><CalendarUID>3</CalendarUID></Resource></Resources>"
    )))
    .unwrap();
    let std = p.calendar(1).unwrap();
    let monday = std.days[1].as_ref().unwrap();
    assert!(monday.working);
    assert_eq!(monday.hours[0].to, TimeOfDay(86_400));
    assert_eq!(std.exceptions.len(), 2);
    let xmas = &std.exceptions[0];
    assert_eq!(
        xmas.recurrence,
        Recurrence::YearlyByDate { month: 12, day: 25 }
    );
    assert_eq!(xmas.to.to_string(), "2025-12-25T00:00:00");
    assert_eq!(xmas.occurrences, Some(2));
    assert_eq!(
        std.exceptions[1].recurrence,
        Recurrence::MonthlyByWeekday {
            position: 1,
            weekday: 1,
            period: 2
        }
    );
    assert!(std.exceptions[1].working);
    // Without an Exceptions list, the legacy entries are the exceptions.
    let old = p.calendar(2).unwrap();
    assert_eq!(old.exceptions.len(), 1);
    assert_eq!(old.exceptions[0].recurrence, Recurrence::Daily);
    let ann = p.calendar(3).unwrap();
    assert_eq!((ann.base_uid, ann.resource_uid), (Some(1), Some(5)));
}

#[test]
fn resources_assignments_and_placeholders() {
    let p = read_str(&doc(
        "<Tasks><Task><UID>1</UID><ID>1</ID><PercentComplete>50</PercentComplete></Task>
                <Task><UID>2</UID><ID>2</ID><PercentComplete>50</PercentComplete></Task></Tasks>
        <Resources><Resource><UID>1</UID><ID>1</ID><Type>0</Type><MaxUnits>0.5</MaxUnits>
          <StandardRate>12.5</StandardRate><CostPerUse>150</CostPerUse>
          <AvailabilityPeriods><AvailabilityPeriod><AvailableFrom>2024-01-01T00:00:00</AvailableFrom>
            <AvailableUnits>0.75</AvailableUnits></AvailabilityPeriod></AvailabilityPeriods>
          <Rates><Rate><RatesFrom>1984-01-01T00:00:00</RatesFrom><RateTable>1</RateTable>
            <StandardRate>20</StandardRate><StandardRateFormat>2</StandardRateFormat>
            <CostPerUse>100</CostPerUse></Rate></Rates></Resource></Resources>
        <Assignments>
          <Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>0.5</Units>
            <Work>PT8H0M0S</Work><Delay>4800</Delay><Baseline><Number>0</Number><Cost>250</Cost></Baseline></Assignment>
          <Assignment><UID>2</UID><TaskUID>2</TaskUID><ResourceUID>-65535</ResourceUID>
            <HasFixedRateUnits>1</HasFixedRateUnits><FixedMaterial>0</FixedMaterial>
            <LevelingDelayFormat>7</LevelingDelayFormat><Units>1</Units></Assignment>
        </Assignments>",
    ))
    .unwrap();
    let r = &p.resources[0];
    assert_eq!(r.resource_type, ResourceType::Material);
    assert_eq!(
        (r.max_units, r.standard_rate, r.cost_per_use),
        (Some(0.5), Some(12.5), Some(1.5))
    );
    assert_eq!(r.availability[0].units, 0.75);
    assert_eq!((r.rates[0].table, r.rates[0].cost_per_use), (1, 1.0));
    // The second assignment is MPXJ's placeholder: dropped.
    assert_eq!(p.assignments.len(), 1);
    let a = &p.assignments[0];
    assert_eq!((a.units, a.work), (Some(0.5), Some(8.0)));
    assert_eq!(a.delay.unwrap().value, 1.0);
    assert_eq!(a.baselines[0].cost, Some(2.5));
}

#[test]
fn hostile_documents_end_in_typed_errors() {
    let corrupt = |text: &str| {
        let e = read_str(text).unwrap_err();
        assert!(matches!(e, Error::Corrupt { .. }), "{text}: {e}");
    };
    corrupt("<Project><Tasks><Task><UID>1</UID></Tasks></Project>");
    corrupt("<Project><Tasks><Task><UID>1</UID>");
    corrupt("<Project><Title>&bogus;</Title></Project>");
    corrupt("<!DOCTYPE Project [<!ENTITY a \"aaaa\">]><Project><Title>&a;</Title></Project>");
    corrupt("<Project></Project><Project/>");
    let deep = format!(
        "<Project><Tasks><Task>{}</Task></Tasks></Project>",
        "<a>".repeat(100)
    );
    corrupt(&deep);
    for wrong in ["<html/>", "", "   ", "<Project xmlns=\"urn:other\"/>"] {
        let e = read_str(wrong).unwrap_err();
        assert!(matches!(e, Error::NotProjectFile(_)), "{wrong}: {e}");
    }
}

#[test]
fn limits_are_enforced() {
    let mut opts = ReadOptions::default();
    opts.max_input_bytes = 10;
    let e = read_bytes(b"<Project></Project>", &opts).unwrap_err();
    assert!(matches!(
        e,
        Error::TooLarge {
            size: 19,
            limit: 10
        }
    ));
    let e = read(&b"<Project></Project>"[..], &opts).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }));

    let mut opts = ReadOptions::default();
    opts.max_entities = 2;
    opts.max_string_chars = 3;
    let tasks = "<Task><UID>1</UID><Name>abcdef</Name></Task>".repeat(2);
    let p = read_bytes(doc(&format!("<Tasks>{tasks}</Tasks>")).as_bytes(), &opts).unwrap();
    assert_eq!(p.tasks[0].name.as_deref(), Some("abc"));
    let tasks = "<Task><UID>1</UID></Task>".repeat(3);
    let e = read_bytes(doc(&format!("<Tasks>{tasks}</Tasks>")).as_bytes(), &opts).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }));
}

#[test]
fn sniffs_both_formats() {
    assert_eq!(
        sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"),
        Some(InputKind::Mpp)
    );
    assert_eq!(sniff(b"\xEF\xBB\xBF  <?xml"), Some(InputKind::Xml));
    assert_eq!(sniff(b"PK\x03\x04"), None);
    assert!(matches!(
        read_any(b"PK\x03\x04", &ReadOptions::default()),
        Err(Error::NotProjectFile(_))
    ));
    // UTF-16 with a byte order mark.
    let text = "<Project><Title>Ü</Title></Project>";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let p = read_any(&le, &ReadOptions::default()).unwrap();
    assert_eq!(p.properties.title.as_deref(), Some("Ü"));
    // A truncated compound file is refused by the .mpp reader, typed.
    assert!(read_any(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", &ReadOptions::default()).is_err());
}

#[test]
fn dangling_base_calendar_is_no_base() {
    // Found by fuzzing: calendar 5 derives from a calendar the file does not
    // have; the writer prints it as a base calendar, so the reader must see
    // it as one too, or a second write would number resource calendars anew.
    let text = doc("<Calendars><Calendar><UID>5</UID><IsBaseCalendar>0</IsBaseCalendar>\
         <BaseCalendarUID>1</BaseCalendarUID></Calendar></Calendars>\
         <Resources><Resource><UID>1</UID><ID>1</ID><CalendarUID>5</CalendarUID></Resource></Resources>");
    let p = read_str(&text).unwrap();
    assert!(p.calendars[0].is_base());
    let first = written(&p);
    let again = read_bytes(first.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(written(&again), first);
}

#[test]
fn duplicate_uids_keep_the_first_entry() {
    // Found by fuzzing: two calendars with UID 2 made the writer number
    // resource calendars differently on a second pass.
    let text = doc("<Calendars>\
         <Calendar><UID>2</UID><Name>A</Name><IsBaseCalendar>1</IsBaseCalendar></Calendar>\
         <Calendar><UID>2</UID><Name>B</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>2</BaseCalendarUID></Calendar>\
         </Calendars><Tasks><Task><UID>1</UID><ID>2</ID><Name>x</Name></Task>\
         <Task><UID>1</UID><ID>1</ID><Name>y</Name></Task><Task><UID>3</UID><ID>1</ID></Task></Tasks>\
         <Resources><Resource><UID>1</UID><ID>1</ID><CalendarUID>2</CalendarUID></Resource></Resources>");
    let p = read_str(&text).unwrap();
    assert_eq!(p.calendars.len(), 1);
    assert_eq!(p.calendars[0].name.as_deref(), Some("A"));
    // Tasks end in ID order; the second UID 1 is dropped.
    let uids: Vec<i32> = p.tasks.iter().map(|t| t.uid).collect();
    assert_eq!(uids, [3, 1]);
}

#[test]
fn only_external_tasks_write_as_no_tasks() {
    // Found by fuzzing: a document whose only task is another project's.
    let text = doc(
        "<Tasks><Task><UID>0</UID><ID>0</ID><Name>x</Name><ExternalTask>1</ExternalTask>\
         <PercentComplete>50</PercentComplete></Task></Tasks>",
    );
    let p = read_str(&text).unwrap();
    assert!(p.tasks[0].external_task);
    let mut first = Vec::new();
    crate::write(&p, &mut first, &crate::WriteOptions::default()).unwrap();
    let first = String::from_utf8(first).unwrap();
    assert!(first.contains("<Tasks/>") && first.contains("<Assignments/>"));
}

/// Found by fuzzing `read_mspdi`: an assignment to a resource that does not
/// exist is written without a resource, so it must be deduplicated as one,
/// or a second write/read drops it and the output changes.
#[test]
fn assignments_to_missing_resources_stay_byte_stable() {
    let p = read_str(&doc(
        "<Tasks><Task><UID>1</UID><ID>1</ID></Task></Tasks>
        <Resources><Resource><UID>1</UID><ID>1</ID></Resource></Resources>
        <Assignments>
          <Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>-65535</ResourceUID><Units>1</Units><Notes>a</Notes></Assignment>
          <Assignment><UID>2</UID><TaskUID>1</TaskUID><ResourceUID>7</ResourceUID><Units>1</Units><Notes>b</Notes></Assignment>
          <Assignment><UID>3</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units></Assignment>
        </Assignments>",
    ))
    .unwrap();
    let first = written(&p);
    let again = written(&read_str(&first).unwrap());
    assert_eq!(first, again);
    // The resource-less assignment and the real one; not the dangling one.
    assert_eq!(first.matches("<Assignment>").count(), 2, "{first}");
    assert!(first.contains("<ResourceUID>1</ResourceUID>"));
}

/// Found by fuzzing `read_mspdi`: a duration in elapsed years was written
/// with 52-week years and read back with 365-day ones, so it shrank by
/// 0.27 % at every write/read.
#[test]
fn elapsed_year_durations_survive_write_and_read() {
    let p = read_str(&doc(
        "<Tasks><Task><UID>1</UID><ID>1</ID><Start>2014-11-03T08:00:00</Start>
          <Duration>PT7H58M41S</Duration><DurationFormat>46</DurationFormat></Task></Tasks>",
    ))
    .unwrap();
    let first = written(&p);
    assert!(first.contains("<Duration>PT7H58M41S</Duration>"), "{first}");
    assert_eq!(first, written(&read_str(&first).unwrap()));
}

/// Found by fuzzing `read_mspdi`: a custom value made only of characters
/// XML 1.0 cannot carry was kept on reading, written as an empty value and
/// then dropped on the next read. The reader drops what the writer drops.
#[test]
fn characters_xml_cannot_carry_are_dropped_on_reading() {
    let p = read_str(&doc(
        "<Title>A\u{2}B</Title>
        <ExtendedAttributes><ExtendedAttribute><FieldID>188743731</FieldID>
          <FieldName>Text1</FieldName></ExtendedAttribute></ExtendedAttributes>
        <Tasks><Task><UID>1</UID><ID>1</ID><Name>x\u{1}y</Name>
          <ExtendedAttribute><FieldID>188743731</FieldID><Value>\u{2}\u{0}\u{0}</Value></ExtendedAttribute>
        </Task></Tasks>",
    ))
    .unwrap();
    assert_eq!(p.properties.title.as_deref(), Some("AB"));
    let t = p.task(1).unwrap();
    assert_eq!(t.name.as_deref(), Some("xy"));
    assert!(
        t.custom
            .iter()
            .all(|v| matches!(&v.value, mpp_core::FieldValue::Text(s) if s.is_empty())),
        "{:?}",
        t.custom
    );
    let first = written(&p);
    assert!(!first.contains("<FieldID>188743731</FieldID>\n                <Value>"));
    assert_eq!(first, written(&read_str(&first).unwrap()));
}

/// Found by fuzzing `read_mspdi`: a placeholder was numbered after an
/// assignment that is not written (a second one of the same resource to the
/// same task), and numbered differently once that one was gone.
#[test]
fn placeholders_are_numbered_after_the_written_assignments() {
    let p = read_str(&doc(
        "<Tasks><Task><UID>1</UID><ID>1</ID></Task>
          <Task><UID>2</UID><ID>2</ID><PercentComplete>50</PercentComplete></Task></Tasks>
        <Resources><Resource><UID>1</UID><ID>1</ID></Resource></Resources>
        <Assignments>
          <Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units></Assignment>
          <Assignment><UID>9</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>0.5</Units></Assignment>
        </Assignments>",
    ))
    .unwrap();
    let first = written(&p);
    assert_eq!(first.matches("<Assignment>").count(), 2, "{first}");
    assert!(
        first.contains("<UID>2</UID>\n            <TaskUID>2</TaskUID>"),
        "{first}"
    );
    assert_eq!(first, written(&read_str(&first).unwrap()));
}

/// Found by fuzzing `read_mspdi`: a real assignment without a resource that
/// carries only the elements a placeholder carries was dropped as one, and
/// the placeholder made instead differed from it. Only assignments the writer
/// makes again byte for byte, under the same UIDs, are dropped.
#[test]
fn only_placeholders_the_writer_remakes_are_dropped() {
    let tasks = "<Tasks><Task><UID>1</UID><ID>1</ID><PercentComplete>50</PercentComplete>
          <Start>2024-01-01T08:00:00</Start><Finish>2024-01-03T17:00:00</Finish>
          <Duration>PT24H0M0S</Duration></Task></Tasks>";
    // The writer's own placeholder (no assignment in the model) is dropped
    // on reading and made again.
    let made = written(&read_str(&doc(tasks)).unwrap());
    assert_eq!(made.matches("<Assignment>").count(), 1, "{made}");
    let again = read_str(&made).unwrap();
    assert!(again.assignments.is_empty());
    assert_eq!(written(&again), made);
    // A resource-less assignment with other values is kept, and stays.
    let real = read_str(&doc(&format!(
        "{tasks}<Assignments><Assignment><UID>5</UID><TaskUID>1</TaskUID>
          <ResourceUID>-65535</ResourceUID><Finish>2024-01-02T17:00:00</Finish>
          <HasFixedRateUnits>1</HasFixedRateUnits><FixedMaterial>0</FixedMaterial>
          <Units>1</Units></Assignment></Assignments>"
    )))
    .unwrap();
    assert_eq!(real.assignments.len(), 1);
    let first = written(&real);
    let back = read_str(&first).unwrap();
    assert_eq!(back.assignments.len(), 1, "{first}");
    assert_eq!(written(&back), first);
}

/// Found by fuzzing `read_mspdi`: a finished blank row (no duration, no
/// actual start) gets a placeholder without an actual finish, but written
/// as an assignment it took the task's actual finish, so the reader kept it
/// as a real assignment and the next write added that date. Candidates are
/// compared as they stand, without the task's values filled in.
#[test]
fn placeholders_of_finished_blank_rows_are_remade() {
    let p = read_str(&doc("<Tasks><Task><UID>1</UID><ID>1</ID><IsNull>1</IsNull>
          <Start>2024-01-01T08:00:00</Start><Finish>2024-01-12T17:00:00</Finish>
          <Duration>PT80H0M0S</Duration><PercentComplete>100</PercentComplete>
          <ActualFinish>2024-01-12T17:00:00</ActualFinish></Task></Tasks>"))
    .unwrap();
    let first = written(&p);
    let placeholder = &first[first.find("<Assignment>").expect("a placeholder")..];
    assert!(!placeholder.contains("<ActualFinish>"), "{first}");
    let again = read_str(&first).unwrap();
    assert!(again.assignments.is_empty(), "{:?}", again.assignments);
    assert_eq!(written(&again), first);
}

/// Found by fuzzing `read_mspdi`: a real resource-less assignment shaped like
/// a placeholder, followed by the writer's placeholders numbered after it.
/// On reading, all of them were taken for placeholders, which failed the
/// numbering check, so all were kept, and the finished blank-duration task's
/// placeholder then gained an actual finish as an assignment. Only the tail
/// the writer makes again is dropped; the real one before it stays.
#[test]
fn placeholders_after_a_placeholder_shaped_assignment_are_dropped() {
    let p = read_str(&doc(
        "<Tasks><Task><UID>1</UID><ID>1</ID><PercentComplete>50</PercentComplete>
          <Start>2024-01-01T08:00:00</Start><Finish>2024-01-02T17:00:00</Finish>
          <Duration>PT16H0M0S</Duration></Task>
          <Task><UID>2</UID><ID>2</ID><PercentComplete>100</PercentComplete>
          <Duration>PT0H0M0S</Duration>
          <ActualFinish>2024-01-02T17:00:00</ActualFinish></Task></Tasks>
        <Assignments><Assignment><UID>7</UID><TaskUID>1</TaskUID>
          <ResourceUID>-65535</ResourceUID><Start>2024-01-01T08:00:00</Start>
          <Finish>2024-01-02T17:00:00</Finish><Units>1</Units>
          <Work>PT16H0M0S</Work></Assignment></Assignments>",
    ))
    .unwrap();
    assert_eq!(p.assignments.len(), 1);
    let first = written(&p);
    assert!(
        first.contains("<UID>8</UID>\n            <TaskUID>2</TaskUID>"),
        "{first}"
    );
    let again = read_str(&first).unwrap();
    let uids: Vec<i32> = again.assignments.iter().map(|a| a.uid).collect();
    assert_eq!(uids, [7], "the real one is kept, the placeholder dropped");
    assert_eq!(written(&again), first);
}

/// Found by fuzzing `read_mspdi`: a `WorkVariance` of 1.4e19 overflowed
/// when printed in thousandths of a minute (a wrapped negative number in
/// release builds) and did not read back to itself. Printed values are held
/// to ±9e12 minutes, which read back exactly.
#[test]
fn huge_work_variances_are_held_and_stay_byte_stable() {
    let p = read_str(&doc("<Tasks><Task><UID>1</UID><ID>1</ID>
          <WorkVariance>14400022222222222220.0</WorkVariance></Task>
          <Task><UID>2</UID><ID>2</ID>
          <WorkVariance>-14400022222222222220.0</WorkVariance></Task></Tasks>"))
    .unwrap();
    let first = written(&p);
    assert!(
        first.contains("<WorkVariance>9000000000000000</WorkVariance>"),
        "{first}"
    );
    assert!(
        first.contains("<WorkVariance>-9000000000000000</WorkVariance>"),
        "{first}"
    );
    assert_eq!(written(&read_str(&first).unwrap()), first);
}

/// Found by fuzzing `read_mspdi` (a timeout): a few dozen recurring calendar
/// exceptions over centuries expanded to hundreds of thousands of dated
/// entries, a 10 KB document to 31 MB. One recurrence expands to at most
/// 5,000 dates and a calendar's recurrences to at most 20,000.
#[test]
fn recurring_exceptions_expand_within_a_budget() {
    let exceptions: String = (0..40)
        .map(|i| {
            format!(
                "<Exception><TimePeriod><FromDate>{}-01-01T00:00:00</FromDate>
                 <ToDate>{}-12-31T23:59:59</ToDate></TimePeriod><Name>E{i}</Name><Type>6</Type>
                 <Period>1</Period><DaysOfWeek>127</DaysOfWeek><DayWorking>0</DayWorking></Exception>",
                1900 + i * 14,
                1913 + i * 14
            )
        })
        .collect();
    let p = read_str(&doc(&format!(
        "<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
          <Exceptions>{exceptions}</Exceptions></Calendar></Calendars>"
    )))
    .unwrap();
    let mut out = Vec::new();
    crate::write(&p, &mut out, &crate::WriteOptions::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let days = text.matches("<WeekDay>").count();
    assert!((20_000..=20_007).contains(&days), "{days} week days");
}

/// Found by fuzzing `read_mspdi`: a monthly exception on day 0 started a
/// month later than the same exception once written and read back.
#[test]
fn monthly_exceptions_on_day_zero_expand_as_the_first() {
    let p = read_str(&doc(
        "<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
          <Exceptions><Exception><EnteredByOccurrences>1</EnteredByOccurrences><TimePeriod>
            <FromDate>2003-01-01T00:00:00</FromDate><ToDate>2003-05-01T23:59:00</ToDate></TimePeriod>
            <Occurrences>3</Occurrences><Name>M</Name><Type>4</Type><Period>2</Period>
            <MonthDay>0</MonthDay><DayWorking>0</DayWorking></Exception></Exceptions>
        </Calendar></Calendars>",
    ))
    .unwrap();
    let first = written(&p);
    assert!(
        first.contains("<FromDate>2003-03-01T00:00:00</FromDate>"),
        "{first}"
    );
    assert!(
        !first.contains("<FromDate>2003-02-01T00:00:00</FromDate>"),
        "{first}"
    );
    assert_eq!(first, written(&read_str(&first).unwrap()));
}

/// Found by fuzzing `read_mspdi`: two monthly exceptions on the same days,
/// the later-starting one first in the document. The legacy day entries
/// let the later one in the list win, and the list was in document order
/// before a write and in date order after it, so the shared days changed
/// from working to non-working. Both now take the date order.
#[test]
fn overlapping_exceptions_decide_alike_before_and_after_a_write() {
    let p = read_str(&doc(
        "<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
          <Exceptions><Exception><EnteredByOccurrences>1</EnteredByOccurrences><TimePeriod>
            <FromDate>2003-01-04T00:00:00</FromDate><ToDate>2003-03-04T23:59:00</ToDate></TimePeriod>
            <Occurrences>3</Occurrences><Name>Off</Name><Type>4</Type><Period>1</Period>
            <MonthDay>4</MonthDay><DayWorking>0</DayWorking></Exception>
          <Exception><EnteredByOccurrences>1</EnteredByOccurrences><TimePeriod>
            <FromDate>2002-12-04T00:00:00</FromDate><ToDate>2003-02-04T23:59:00</ToDate></TimePeriod>
            <Occurrences>3</Occurrences><Name>On</Name><Type>4</Type><Period>1</Period>
            <MonthDay>4</MonthDay><DayWorking>1</DayWorking><WorkingTimes><WorkingTime>
            <FromTime>09:00:00</FromTime><ToTime>13:00:00</ToTime></WorkingTime></WorkingTimes>
          </Exception></Exceptions>
        </Calendar></Calendars>",
    ))
    .unwrap();
    let first = written(&p);
    // 4 January 2003: both; the one starting later (non-working) wins.
    let day = first
        .split("<WeekDay>")
        .find(|w| w.contains("<FromDate>2003-01-04T00:00:00</FromDate>"))
        .expect("a legacy entry for 4 January 2003");
    assert!(day.contains("<DayWorking>0</DayWorking>"), "{day}");
    assert_eq!(first, written(&read_str(&first).unwrap()));
}

/// One assignment with these `TimephasedData` elements.
fn with_periods(periods: &str) -> String {
    doc(&format!(
        "<Tasks><Task><UID>1</UID><ID>1</ID></Task></Tasks>
        <Resources><Resource><UID>1</UID><ID>1</ID></Resource></Resources>
        <Assignments><Assignment><UID>4</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID>
        {periods}</Assignment></Assignments>"
    ))
}

fn tp(kind: u32, start: &str, finish: &str, value: &str) -> String {
    format!(
        "<TimephasedData><Type>{kind}</Type><UID>4</UID><Start>{start}</Start>\
         <Finish>{finish}</Finish><Unit>2</Unit>{value}</TimephasedData>"
    )
}

#[test]
fn timephased_periods_read_as_written_and_write_again() {
    let p = read_str(&with_periods(
        &[
            tp(
                2,
                "2016-01-04T08:00:00",
                "2016-01-05T08:00:00",
                "<Value>PT8H0M0S</Value>",
            ),
            tp(
                1,
                "2016-01-05T13:00:00",
                "2016-01-06T13:00:00",
                "<Value>PT7H30M0S</Value>",
            ),
            tp(1, "2016-01-06T13:00:00", "2016-01-07T13:00:00", ""),
            // Other types, and periods without dates, are not read.
            tp(
                11,
                "2016-01-04T08:00:00",
                "2016-01-05T08:00:00",
                "<Value>10</Value>",
            ),
            "<TimephasedData><Type>1</Type><Value>PT1H0M0S</Value></TimephasedData>".into(),
            // Longer than a day (another writer's run): cut on writing.
            tp(
                2,
                "2016-01-08T08:00:00",
                "2016-01-09T17:00:00",
                "<Value>PT33H0M0S</Value>",
            ),
        ]
        .concat(),
    ))
    .unwrap();
    let t = &p.assignments[0].timephased;
    let d = |s: &str| DateTime::parse_iso(s).unwrap();
    assert_eq!(
        t.remaining,
        [
            WorkPeriod {
                start: d("2016-01-05T13:00:00"),
                finish: d("2016-01-06T13:00:00"),
                work: 7.5
            },
            WorkPeriod {
                start: d("2016-01-06T13:00:00"),
                finish: d("2016-01-07T13:00:00"),
                work: 0.0
            }
        ]
    );
    assert_eq!(t.actual.len(), 2);
    assert_eq!(t.actual[1].work, 33.0);
    let first = written(&p);
    // Remaining first; the long run in two periods (no calendar: by wall-clock time).
    assert_eq!(first.matches("<TimephasedData>").count(), 5, "{first}");
    assert!(first.contains("<Finish>2016-01-09T08:00:00</Finish>"));
    assert!(first.find("<Type>1</Type>") < first.find("<Type>2</Type>"));
    let again = read_str(&first).unwrap();
    assert_eq!(again.assignments[0].timephased.actual.len(), 3);
    assert_eq!(written(&again), first);
}

#[test]
fn timephased_periods_count_against_max_entities() {
    let period = tp(1, "2016-01-04T08:00:00", "2016-01-05T08:00:00", "");
    let mut opts = ReadOptions::default();
    opts.max_entities = 3;
    let three = with_periods(&period.repeat(3));
    assert!(read_bytes(three.as_bytes(), &opts).is_ok());
    let four = with_periods(&period.repeat(4));
    let e = read_bytes(four.as_bytes(), &opts).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { count: 4, .. }), "{e}");
}

#[test]
fn timephased_data_in_unit_1_keeps_project_2010_form() {
    let periods = [
        tp(
            2,
            "2016-01-08T08:00:00",
            "2016-01-09T08:00:00",
            "<Value>PT8H0M0S</Value>",
        ),
        tp(
            2,
            "2016-01-09T08:00:00",
            "2016-01-11T08:00:00",
            "<Value>PT0H0M0S</Value>",
        ),
    ]
    .concat();
    let p = read_str(&with_periods(
        &periods.replace("<Unit>2</Unit>", "<Unit>1</Unit>"),
    ))
    .unwrap();
    assert_eq!(p.properties.application_version, Some(14));
    let t = &p.assignments[0].timephased.actual;
    assert_eq!((t.len(), t[1].work), (2, 0.0));
    let first = crate::to_string(&p, &crate::WriteOptions::default());
    // The two-day empty period stays one, its zero printed.
    assert_eq!(first.matches("<Unit>1</Unit>").count(), 2, "{first}");
    assert!(first.contains("<Finish>2016-01-11T08:00:00</Finish>"));
    assert!(first.contains("<Value>PT0H0M0S</Value>"));
    let again = read_str(&first).unwrap();
    assert_eq!(
        crate::to_string(&again, &crate::WriteOptions::default()),
        first
    );
    // In unit 2 (earlier versions) the version stays unknown.
    let p = read_str(&with_periods(&periods)).unwrap();
    assert_eq!(p.properties.application_version, None);
}

#[test]
fn long_hostile_periods_write_in_bounded_size_and_stay_stable() {
    // Two periods of 60,003 days: the first is cut into days, the second
    // (over what is left of the document's allowance) is written whole.
    let long = tp(
        1,
        "2000-01-01T00:00:00",
        "2164-04-13T00:00:00",
        "<Value>PT1000H0M0S</Value>",
    );
    let p = read_str(&with_periods(&long.repeat(2))).unwrap();
    let first = crate::to_string(&p, &crate::WriteOptions::default());
    assert_eq!(first.matches("<TimephasedData>").count(), 60_004);
    assert!(first.len() < 20 << 20, "{}", first.len());
    let again = read_str(&first).unwrap();
    assert_eq!(
        crate::to_string(&again, &crate::WriteOptions::default()),
        first
    );
}
