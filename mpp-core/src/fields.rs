//! Project's field ids: a class prefix (high 16 bits) and an index. These are
//! Microsoft's `PjField` numbers, which MSPDI also uses as `FieldID`.
//!
//! Only the fields this crate decodes are named here. Custom-field families
//! (Text1..30 and so on) are described by [`CustomFamily`] tables.

/// Class prefixes.
pub const TASK: u32 = 0x0B40_0000;
pub const RESOURCE: u32 = 0x0C40_0000;
pub const ASSIGNMENT: u32 = 0x0F40_0000;

/// Task field indexes (add [`TASK`] for the field id).
pub mod task {
    pub const WORK: u32 = 0;
    pub const BASELINE_WORK: u32 = 1;
    pub const ACTUAL_WORK: u32 = 2;
    pub const REMAINING_WORK: u32 = 4;
    pub const COST: u32 = 5;
    pub const BASELINE_COST: u32 = 6;
    pub const ACTUAL_COST: u32 = 7;
    pub const FIXED_COST: u32 = 8;
    pub const REMAINING_COST: u32 = 10;
    pub const NAME: u32 = 14;
    pub const NOTES: u32 = 15;
    pub const WBS: u32 = 16;
    pub const CONSTRAINT_TYPE: u32 = 17;
    pub const CONSTRAINT_DATE: u32 = 18;
    pub const LEVELING_DELAY: u32 = 20;
    pub const FREE_SLACK: u32 = 21;
    pub const ID: u32 = 23;
    pub const PRIORITY: u32 = 25;
    /// Baseline Duration (MPP9/12); Baseline Estimated Duration in MPP14.
    pub const BASELINE_DURATION: u32 = 27;
    pub const ACTUAL_DURATION: u32 = 28;
    /// Duration (MPP9/12); Scheduled Duration in MPP14.
    pub const DURATION: u32 = 29;
    pub const REMAINING_DURATION: u32 = 31;
    pub const PERCENT_COMPLETE: u32 = 32;
    pub const PERCENT_WORK_COMPLETE: u32 = 33;
    /// Start (MPP9/12); Scheduled Start in MPP14.
    pub const START: u32 = 35;
    /// Finish (MPP9/12); Scheduled Finish in MPP14.
    pub const FINISH: u32 = 36;
    pub const EARLY_START: u32 = 37;
    pub const EARLY_FINISH: u32 = 38;
    pub const LATE_START: u32 = 39;
    pub const LATE_FINISH: u32 = 40;
    pub const ACTUAL_START: u32 = 41;
    pub const ACTUAL_FINISH: u32 = 42;
    /// Baseline Start/Finish (MPP9/12); estimated variants in MPP14.
    pub const BASELINE_START: u32 = 43;
    pub const BASELINE_FINISH: u32 = 44;
    pub const UNIQUE_ID: u32 = 86;
    pub const CREATED: u32 = 93;
    pub const RESUME: u32 = 99;
    pub const STOP: u32 = 100;
    pub const CONTACT: u32 = 112;
    pub const TYPE: u32 = 128;
    pub const RECURRING: u32 = 129;
    pub const RECURRING_ALT: u32 = 202;
    pub const OVERTIME_WORK: u32 = 163;
    pub const ACTUAL_OVERTIME_WORK: u32 = 164;
    pub const REMAINING_OVERTIME_WORK: u32 = 165;
    pub const OVERTIME_COST: u32 = 168;
    pub const ACTUAL_OVERTIME_COST: u32 = 169;
    pub const REMAINING_OVERTIME_COST: u32 = 170;
    pub const LEVELING_DELAY_UNITS: u32 = 178;
    pub const BASELINE_DURATION_UNITS: u32 = 179;
    pub const DURATION_UNITS: u32 = 181;
    pub const FIXED_COST_ACCRUAL: u32 = 200;
    pub const RECURRING_DATA: u32 = 203;
    pub const HYPERLINK_DATA: u32 = 215;
    pub const SUBPROJECT_TASK_UID: u32 = 242;
    pub const OUTLINE_LEVEL: u32 = 249;
    pub const SUBPROJECT_TASK_ID: u32 = 255;
    pub const CALENDAR_UID: u32 = 401;
    pub const DEADLINE: u32 = 437;
    pub const START_SLACK: u32 = 438;
    pub const FINISH_SLACK: u32 = 439;
    pub const BASELINE_FIXED_COST: u32 = 480;
    /// MPP9: a props block of further fields keyed by field id (baselines 1..10, enterprise fields).
    pub const ENTERPRISE_DATA: u32 = 481;
    pub const PHYSICAL_PERCENT_COMPLETE: u32 = 1119;
    pub const EARNED_VALUE_METHOD: u32 = 1122;
    pub const GUID: u32 = 1143;
    pub const ACTIVE: u32 = 1279;
    pub const TASK_MODE: u32 = 1280;
    pub const MANUAL_START: u32 = 1283;
    pub const MANUAL_FINISH: u32 = 1284;
    pub const START_TEXT: u32 = 1285;
    pub const FINISH_TEXT: u32 = 1286;
    pub const DURATION_TEXT: u32 = 1287;
    pub const MANUAL_DURATION: u32 = 1288;
    pub const MANUAL_DURATION_UNITS: u32 = 1289;
    pub const BASELINE_START_MPP14: u32 = 1299;
    pub const BASELINE_FINISH_MPP14: u32 = 1300;
    pub const BASELINE_DURATION_MPP14: u32 = 1301;
    pub const SCHEDULED_START_ALT: u32 = 1338;
    pub const SCHEDULED_FINISH_ALT: u32 = 1339;
    pub const SCHEDULED_DURATION_ALT: u32 = 1340;
}

/// Resource field indexes (add [`RESOURCE`]).
pub mod resource {
    pub const ID: u32 = 0;
    pub const NAME: u32 = 1;
    pub const INITIALS: u32 = 2;
    pub const GROUP: u32 = 3;
    pub const MAX_UNITS: u32 = 4;
    pub const STANDARD_RATE: u32 = 6;
    pub const OVERTIME_RATE: u32 = 7;
    pub const CODE: u32 = 10;
    pub const ACTUAL_COST: u32 = 11;
    pub const COST: u32 = 12;
    pub const WORK: u32 = 13;
    pub const ACTUAL_WORK: u32 = 14;
    pub const BASELINE_WORK: u32 = 15;
    pub const OVERTIME_WORK: u32 = 16;
    pub const BASELINE_COST: u32 = 17;
    pub const COST_PER_USE: u32 = 18;
    pub const ACCRUE_AT: u32 = 19;
    pub const NOTES: u32 = 20;
    pub const REMAINING_COST: u32 = 21;
    pub const REMAINING_WORK: u32 = 22;
    pub const PEAK: u32 = 26;
    pub const UNIQUE_ID: u32 = 27;
    pub const PERCENT_WORK_COMPLETE: u32 = 29;
    pub const EMAIL: u32 = 35;
    pub const REGULAR_WORK: u32 = 38;
    pub const ACTUAL_OVERTIME_WORK: u32 = 39;
    pub const REMAINING_OVERTIME_WORK: u32 = 40;
    pub const OVERTIME_COST: u32 = 47;
    pub const ACTUAL_OVERTIME_COST: u32 = 48;
    pub const REMAINING_OVERTIME_COST: u32 = 49;
    pub const AVAILABLE_FROM: u32 = 57;
    pub const AVAILABLE_TO: u32 = 58;
    pub const COST_RATE_A: u32 = 61;
    pub const STANDARD_RATE_UNITS: u32 = 70;
    pub const OVERTIME_RATE_UNITS: u32 = 71;
    pub const HYPERLINK_DATA: u32 = 136;
    pub const CAN_LEVEL: u32 = 163;
    pub const FINISH: u32 = 262;
    pub const START: u32 = 265;
    pub const WORKGROUP: u32 = 272;
    pub const AVAILABILITY_DATA: u32 = 276;
    pub const MATERIAL_LABEL: u32 = 299;
    pub const WINDOWS_ACCOUNT: u32 = 311;
    pub const GENERIC: u32 = 686;
    pub const INACTIVE: u32 = 696;
    pub const BOOKING_TYPE: u32 = 699;
    pub const CREATED: u32 = 726;
    pub const GUID: u32 = 728;
    pub const BUDGET: u32 = 752;
    pub const COST_CENTER: u32 = 801;
    /// MPP9: a props block of further fields keyed by field id (enterprise fields, creation date).
    pub const ENTERPRISE_DATA: u32 = 341;
}

/// Assignment field indexes (add [`ASSIGNMENT`]).
pub mod assignment {
    pub const UNIQUE_ID: u32 = 0;
    pub const TASK_UID: u32 = 1;
    pub const RESOURCE_UID: u32 = 2;
    pub const UNITS: u32 = 7;
    pub const WORK: u32 = 8;
    pub const OVERTIME_WORK: u32 = 9;
    pub const ACTUAL_WORK: u32 = 10;
    pub const REGULAR_WORK: u32 = 11;
    pub const REMAINING_WORK: u32 = 12;
    pub const ACTUAL_OVERTIME_WORK: u32 = 13;
    pub const REMAINING_OVERTIME_WORK: u32 = 14;
    pub const BASELINE_WORK: u32 = 16;
    pub const START: u32 = 20;
    pub const FINISH: u32 = 21;
    pub const ACTUAL_START: u32 = 22;
    pub const ACTUAL_FINISH: u32 = 23;
    pub const RESUME: u32 = 24;
    pub const DELAY: u32 = 25;
    pub const COST: u32 = 26;
    pub const OVERTIME_COST: u32 = 27;
    pub const ACTUAL_COST: u32 = 28;
    pub const REMAINING_COST: u32 = 29;
    pub const BASELINE_COST: u32 = 32;
    pub const WORK_CONTOUR: u32 = 39;
    pub const PERCENT_WORK_COMPLETE: u32 = 43;
    pub const TIMEPHASED_REMAINING_WORK: u32 = 49;
    pub const TIMEPHASED_ACTUAL_WORK: u32 = 50;
    pub const NOTES: u32 = 71;
    pub const COST_RATE_TABLE: u32 = 80;
    pub const LEVELING_DELAY: u32 = 145;
    pub const BASELINE_START: u32 = 146;
    pub const BASELINE_FINISH: u32 = 147;
    pub const HYPERLINK_DATA: u32 = 150;
    pub const STOP: u32 = 264;
    pub const VARIABLE_RATE_UNITS: u32 = 270;
    pub const FIXED_MATERIAL: u32 = 275;
    pub const CREATED: u32 = 634;
    pub const GUID: u32 = 636;
    pub const BUDGET_WORK: u32 = 669;
    pub const BUDGET_COST: u32 = 670;
}

/// The value type of a custom field family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomKind {
    Text,
    Start,
    Finish,
    Date,
    Number,
    Cost,
    Duration,
    Flag,
    OutlineCode,
}

/// A family of numbered custom fields: `indexes[n-1]` is field `name{n}`;
/// `units[n-1]` (durations) the index holding its units.
#[derive(Debug)]
pub struct CustomFamily {
    pub name: &'static str,
    pub kind: CustomKind,
    pub indexes: &'static [u32],
    pub units: &'static [u32],
}

const fn fam(name: &'static str, kind: CustomKind, indexes: &'static [u32]) -> CustomFamily {
    CustomFamily {
        name,
        kind,
        indexes,
        units: &[],
    }
}

pub static TASK_CUSTOM: &[CustomFamily] = &[
    fam(
        "Text",
        CustomKind::Text,
        &[
            51, 54, 57, 60, 63, 66, 67, 68, 69, 70, 317, 318, 319, 320, 321, 322, 323, 324, 325,
            326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336,
        ],
    ),
    fam(
        "Start",
        CustomKind::Start,
        &[52, 55, 58, 61, 64, 282, 284, 286, 288, 290],
    ),
    fam(
        "Finish",
        CustomKind::Finish,
        &[53, 56, 59, 62, 65, 283, 285, 287, 289, 291],
    ),
    fam(
        "Number",
        CustomKind::Number,
        &[
            87, 88, 89, 90, 91, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314,
            315, 316,
        ],
    ),
    CustomFamily {
        name: "Duration",
        kind: CustomKind::Duration,
        indexes: &[103, 104, 105, 275, 276, 277, 278, 279, 280, 281],
        units: &[183, 184, 185, 337, 338, 339, 340, 341, 342, 343],
    },
    fam(
        "Cost",
        CustomKind::Cost,
        &[106, 107, 108, 258, 259, 260, 261, 262, 263, 264],
    ),
    fam(
        "Date",
        CustomKind::Date,
        &[265, 266, 267, 268, 269, 270, 271, 272, 273, 274],
    ),
    fam(
        "Flag",
        CustomKind::Flag,
        &[
            72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 292, 293, 294, 295, 296, 297, 298, 299, 300,
            301,
        ],
    ),
    fam(
        "Outline Code",
        CustomKind::OutlineCode,
        &[416, 418, 420, 422, 424, 426, 428, 430, 432, 434],
    ),
];

pub static RESOURCE_CUSTOM: &[CustomFamily] = &[
    fam(
        "Text",
        CustomKind::Text,
        &[
            8, 9, 30, 31, 32, 97, 98, 99, 100, 101, 225, 226, 227, 228, 229, 230, 231, 232, 233,
            234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244,
        ],
    ),
    fam(
        "Start",
        CustomKind::Start,
        &[102, 103, 104, 105, 106, 220, 221, 222, 223, 224],
    ),
    fam(
        "Finish",
        CustomKind::Finish,
        &[107, 108, 109, 110, 111, 190, 191, 192, 193, 194],
    ),
    fam(
        "Number",
        CustomKind::Number,
        &[
            112, 113, 114, 115, 116, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216,
            217, 218, 219,
        ],
    ),
    CustomFamily {
        name: "Duration",
        kind: CustomKind::Duration,
        indexes: &[117, 118, 119, 183, 184, 185, 186, 187, 188, 189],
        units: &[120, 121, 122, 245, 246, 247, 248, 249, 250, 251],
    },
    fam(
        "Cost",
        CustomKind::Cost,
        &[123, 124, 125, 166, 167, 168, 169, 170, 171, 172],
    ),
    fam(
        "Date",
        CustomKind::Date,
        &[173, 174, 175, 176, 177, 178, 179, 180, 181, 182],
    ),
    fam(
        "Flag",
        CustomKind::Flag,
        &[
            127, 128, 129, 130, 131, 132, 133, 134, 135, 126, 195, 196, 197, 198, 199, 200, 201,
            202, 203, 204,
        ],
    ),
    fam(
        "Outline Code",
        CustomKind::OutlineCode,
        &[278, 280, 282, 284, 286, 288, 290, 292, 294, 296],
    ),
];

pub static ASSIGNMENT_CUSTOM: &[CustomFamily] = &[
    fam(
        "Text",
        CustomKind::Text,
        &[
            88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 218, 219, 220, 221, 222, 223, 224, 225, 226,
            227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237,
        ],
    ),
    fam(
        "Start",
        CustomKind::Start,
        &[98, 99, 100, 101, 102, 213, 214, 215, 216, 217],
    ),
    fam(
        "Finish",
        CustomKind::Finish,
        &[103, 104, 105, 106, 107, 183, 184, 185, 186, 187],
    ),
    fam(
        "Number",
        CustomKind::Number,
        &[
            108, 109, 110, 111, 112, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209,
            210, 211, 212,
        ],
    ),
    CustomFamily {
        name: "Duration",
        kind: CustomKind::Duration,
        indexes: &[113, 114, 115, 176, 177, 178, 179, 180, 181, 182],
        units: &[116, 117, 118, 238, 239, 240, 241, 242, 243, 244],
    },
    fam(
        "Cost",
        CustomKind::Cost,
        &[119, 120, 121, 159, 160, 161, 162, 163, 164, 165],
    ),
    fam(
        "Date",
        CustomKind::Date,
        &[166, 167, 168, 169, 170, 171, 172, 173, 174, 175],
    ),
    fam(
        "Flag",
        CustomKind::Flag,
        &[
            123, 124, 125, 126, 127, 128, 129, 130, 131, 122, 188, 189, 190, 191, 192, 193, 194,
            195, 196, 197,
        ],
    ),
];

/// Project Server's built-in enterprise fields (`Enterprise Cost1` ...), kept
/// apart from [`TASK_CUSTOM`] because their flags do not live in meta bits.
pub static TASK_ENTERPRISE: &[CustomFamily] = &[
    fam(
        "Enterprise Cost",
        CustomKind::Cost,
        &[599, 600, 601, 602, 603, 604, 605, 606, 607, 608],
    ),
    fam(
        "Enterprise Date",
        CustomKind::Date,
        &[
            609, 610, 611, 612, 613, 614, 615, 616, 617, 618, 619, 620, 621, 622, 623, 624, 625,
            626, 627, 628, 629, 630, 631, 632, 633, 634, 635, 636, 637, 638,
        ],
    ),
    CustomFamily {
        name: "Enterprise Duration",
        kind: CustomKind::Duration,
        indexes: &[639, 640, 641, 642, 643, 644, 645, 646, 647, 648],
        units: &[649, 650, 651, 652, 653, 654, 655, 656, 657, 658],
    },
    fam(
        "Enterprise Flag",
        CustomKind::Flag,
        &[
            659, 660, 661, 662, 663, 664, 665, 666, 667, 668, 669, 670, 671, 672, 673, 674, 675,
            676, 677, 678,
        ],
    ),
    fam(
        "Enterprise Number",
        CustomKind::Number,
        &[
            699, 700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715,
            716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728, 729, 730, 731, 732,
            733, 734, 735, 736, 737, 738,
        ],
    ),
    fam(
        "Enterprise Text",
        CustomKind::Text,
        &[
            799, 800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812, 813, 814, 815,
            816, 817, 818, 819, 820, 821, 822, 823, 824, 825, 826, 827, 828, 829, 830, 831, 832,
            833, 834, 835, 836, 837, 838,
        ],
    ),
];

pub static RESOURCE_ENTERPRISE: &[CustomFamily] = &[
    fam(
        "Enterprise Cost",
        CustomKind::Cost,
        &[446, 447, 448, 449, 450, 451, 452, 453, 454, 455],
    ),
    fam(
        "Enterprise Date",
        CustomKind::Date,
        &[
            456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472,
            473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485,
        ],
    ),
    CustomFamily {
        name: "Enterprise Duration",
        kind: CustomKind::Duration,
        indexes: &[486, 487, 488, 489, 490, 491, 492, 493, 494, 495],
        units: &[496, 497, 498, 499, 500, 501, 502, 503, 504, 505],
    },
    fam(
        "Enterprise Flag",
        CustomKind::Flag,
        &[
            506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522,
            523, 524, 525,
        ],
    ),
    fam(
        "Enterprise Number",
        CustomKind::Number,
        &[
            546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562,
            563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573, 574, 575, 576, 577, 578, 579,
            580, 581, 582, 583, 584, 585,
        ],
    ),
    fam(
        "Enterprise Text",
        CustomKind::Text,
        &[
            646, 647, 648, 649, 650, 651, 652, 653, 654, 655, 656, 657, 658, 659, 660, 661, 662,
            663, 664, 665, 666, 667, 668, 669, 670, 671, 672, 673, 674, 675, 676, 677, 678, 679,
            680, 681, 682, 683, 684, 685,
        ],
    ),
];

/// Assignment enterprise durations have no units field (hours are assumed).
pub static ASSIGNMENT_ENTERPRISE: &[CustomFamily] = &[
    fam(
        "Enterprise Cost",
        CustomKind::Cost,
        &[381, 382, 383, 384, 385, 386, 387, 388, 389, 390],
    ),
    fam(
        "Enterprise Date",
        CustomKind::Date,
        &[
            391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407,
            408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420,
        ],
    ),
    fam(
        "Enterprise Duration",
        CustomKind::Duration,
        &[421, 422, 423, 424, 425, 426, 427, 428, 429, 430],
    ),
    fam(
        "Enterprise Flag",
        CustomKind::Flag,
        &[
            441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457,
            458, 459, 460,
        ],
    ),
    fam(
        "Enterprise Number",
        CustomKind::Number,
        &[
            461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477,
            478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494,
            495, 496, 497, 498, 499, 500,
        ],
    ),
    fam(
        "Enterprise Text",
        CustomKind::Text,
        &[
            501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517,
            518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534,
            535, 536, 537, 538, 539, 540,
        ],
    ),
    fam(
        "Enterprise Resource Outline Code",
        CustomKind::Text,
        &[
            545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561,
            562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573,
        ],
    ),
];

/// The enterprise families of a class prefix.
pub fn enterprise_families(class: u32) -> &'static [CustomFamily] {
    match class {
        TASK => TASK_ENTERPRISE,
        RESOURCE => RESOURCE_ENTERPRISE,
        ASSIGNMENT => ASSIGNMENT_ENTERPRISE,
        _ => &[],
    }
}

/// Index bit of user-defined (Project Server) enterprise custom fields.
pub const USER_DEFINED: u32 = 0x8000;

/// Like [`custom_field`], over the standard and the enterprise families.
pub fn any_custom_field(field_id: u32) -> Option<(&'static CustomFamily, usize)> {
    custom_field(field_id).or_else(|| {
        let index = field_id & 0xFFFF;
        enterprise_families(field_id & 0xFFFF_0000)
            .iter()
            .find_map(|f| {
                f.indexes
                    .iter()
                    .position(|&i| i == index)
                    .map(|p| (f, p + 1))
            })
    })
}

/// The families of a class prefix.
pub fn custom_families(class: u32) -> &'static [CustomFamily] {
    match class {
        TASK => TASK_CUSTOM,
        RESOURCE => RESOURCE_CUSTOM,
        ASSIGNMENT => ASSIGNMENT_CUSTOM,
        _ => &[],
    }
}

/// The custom field a field id names: (family, 1-based number).
pub fn custom_field(field_id: u32) -> Option<(&'static CustomFamily, usize)> {
    let class = field_id & 0xFFFF_0000;
    let index = field_id & 0xFFFF;
    custom_families(class).iter().find_map(|f| {
        f.indexes
            .iter()
            .position(|&i| i == index)
            .map(|p| (f, p + 1))
    })
}

/// The MSPDI `FieldName` of a custom field id (`Text1`, `Outline Code3`...).
/// Enterprise fields are named as well (`Enterprise Cost1`), and user-defined
/// ones `Enterprise Custom Field n`.
pub fn custom_field_name(field_id: u32) -> Option<String> {
    let class = field_id & 0xFFFF_0000;
    if field_id & USER_DEFINED != 0 && !custom_families(class).is_empty() {
        return Some(format!(
            "Enterprise Custom Field {}",
            (field_id & 0xFFF) + 1
        ));
    }
    let (fam, n) = any_custom_field(field_id)?;
    Some(format!("{}{}", fam.name, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_field_ids_resolve_to_names() {
        assert_eq!(custom_field_name(188_743_731).as_deref(), Some("Text1"));
        assert_eq!(custom_field_name(205_520_904).as_deref(), Some("Text1"));
        assert_eq!(custom_field_name(255_852_632).as_deref(), Some("Text1"));
        assert_eq!(custom_field_name(TASK + 81).as_deref(), Some("Flag10"));
        assert_eq!(custom_field_name(RESOURCE + 126).as_deref(), Some("Flag10"));
        assert_eq!(custom_field_name(TASK + 14), None);
        assert_eq!(
            custom_field_name(188_744_279).as_deref(),
            Some("Enterprise Cost1")
        );
        assert_eq!(
            custom_field_name(TASK + 838).as_deref(),
            Some("Enterprise Text40")
        );
        assert_eq!(
            custom_field_name(ASSIGNMENT + 573).as_deref(),
            Some("Enterprise Resource Outline Code29")
        );
        assert_eq!(
            custom_field_name(TASK | 0x8005).as_deref(),
            Some("Enterprise Custom Field 6")
        );
        // the assignment key substitution must not see enterprise flags
        assert!(custom_field(ASSIGNMENT + 441).is_none());
        for fams in [TASK_CUSTOM, RESOURCE_CUSTOM, ASSIGNMENT_CUSTOM] {
            for f in fams {
                assert!(
                    f.units.is_empty() || f.units.len() == f.indexes.len(),
                    "{}",
                    f.name
                );
            }
        }
    }
}
