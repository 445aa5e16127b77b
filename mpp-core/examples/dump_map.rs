//! Prints a field map of a file: `dump_map FILE [STORAGE] [KEY_HEX]` (debugging aid).

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump_map FILE [STORAGE] [KEY_HEX]");
        return;
    };
    let dir = args.next().unwrap_or_else(|| "   114".into());
    let key = args
        .next()
        .and_then(|k| u32::from_str_radix(&k, 16).ok())
        .unwrap_or(0x0002_0014);
    let Ok(data) = std::fs::read(&path) else {
        return;
    };
    let Ok(mut c) = mpp_core::container::Container::open(&data, 1 << 30) else {
        return;
    };
    let Ok(Some(props)) = c.stream(&format!("{dir}/Props")) else {
        return;
    };
    let props = mpp_core::raw::props::Props::parse(&props);
    let Some(raw) = props.get(key).or(props.get(0x0300_0000 | (key & 0xFF))) else {
        return;
    };
    for e in raw.chunks_exact(28) {
        let u16_at = |o| mpp_core::bytes::u16_at(e, o).unwrap_or(0);
        let field = mpp_core::bytes::u32_at(e, 12).unwrap_or(0);
        println!(
            "field {field:#x} idx {} off {} varkey {} cat {:#x} size {}",
            field & 0xFFFF,
            u16_at(4),
            e.get(6).copied().unwrap_or(0),
            u16_at(20),
            u16_at(22)
        );
    }
}
