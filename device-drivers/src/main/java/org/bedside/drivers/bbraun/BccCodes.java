package org.bedside.drivers.bbraun;

import java.util.List;
import java.util.Set;
import org.bedside.model.AlarmEvent;

/**
 * The BCC protocol's constants (protocols.md 5.1; the parameter dictionary of KaiWU17TUM/icu_devices {@code
 * bbraun_const.h} and mindleaving/patient-monitor-datalogger "BCC 3.3x", both checked against the real rack frame in
 * the test data).
 */
final class BccCodes {
    static final byte SOH = 0x01;
    static final byte STX = 0x02;
    static final byte ETX = 0x03;
    static final byte EOT = 0x04;
    static final byte ACK = 0x06;
    static final byte NAK = 0x15;
    static final byte ETB = 0x17;
    /** Record separator between the records of an answer. */
    static final byte RS = 0x1E;

    /** SOH, five length digits, STX, at least one header byte and '>', ETX|ETB, five checksum digits, EOT. */
    static final int MIN_FRAME = 1 + 5 + 1 + 2 + 1 + 5 + 1;
    /** The length field has five digits. */
    static final int MAX_FRAME = 99_999;

    /** The value of a parameter the pump has no value for. */
    static final String NO_VALUE = "_NV";
    /** INRMT's "no remaining time". */
    static final String NO_REMAINING_TIME = "65535";

    /** The address of the rack itself ({@code 501} + pillar 0 + slot 0). */
    static final String RACK_ADDRESS = "50100";

    /** The SpaceCom's answer to ADMIN:ALIVE. */
    static final String GNACK = "GNACK";
    /** An error answer: the value is the error code. */
    static final String GNERR = "GNERR";
    /** GNERR codes (mindleaving BccErrorCodes). */
    static final int ERROR_NO_FURTHER_DATA = 11;

    static final int ERROR_PUMP_REMOVED = 39;
    static final int ERROR_WRONG_SYNTAX = 68;
    static final int ERROR_WRONG_ADDRESS = 811;

    // Pump parameters read into an InfusionStatus.
    static final String RATE = "INRT";
    static final String VTBI = "INVTB";
    static final String VOLUME_INFUSED = "INVI";
    static final String REMAINING_TIME = "INRMT";
    static final String BOLUS_RATE = "INBORT";
    static final String BOLUS_VOLUME = "INBOVAL";
    static final String DRUG_LONG_NAME = "INSOL";
    static final String DRUG_SHORT_NAME = "INSOLSN";
    static final String SERIAL = "INSERNUM";
    static final String READY = "INM1";
    static final String PUMPING = "INM3";
    static final String STANDBY = "INM6";
    static final String KVO_ACTIVE = "INM10";

    /**
     * Parameters known to the dictionary that the gateway does not read. Not an error when they come; anything else is
     * an unknown parameter, skipped and counted. Some (PATID, PATW...) carry patient data: they are never read, kept or
     * logged.
     */
    static final Set<String> KNOWN_UNREAD = Set.of(
            "FMNOR",
            "FMSTAT",
            "FMDONGLE",
            "FMBANY",
            "FMRT",
            "FMRSTAT",
            "GNNEW",
            "GNMODEL",
            "INPSOLL",
            "INSOLID",
            "INSYR",
            "INVOLAC",
            "INVOLACT",
            "INTIME",
            "INAKKU",
            "INSTBY",
            "INDOCAL",
            "INDCON",
            "INDCONU",
            "INDORT",
            "INDORTU",
            "INP1",
            "INP2",
            "INM2",
            "INM4",
            "INM5",
            "INM7",
            "INM8",
            "INM9",
            "INM11",
            "INM12",
            "INM13",
            "INNR",
            "INDTNR",
            "DSSTATUS",
            "INBOCNT",
            "INAVRT",
            "VERSION",
            "OPMODE",
            "DATE",
            "TIME",
            "TIMEOFINF",
            "ALARM1",
            "ALARM2",
            "STATUS1",
            "STATUS2",
            "PREALARM",
            "DGDSTATUS",
            "DGDALERTSLL",
            "DGDALERTSLH",
            "DGDALERTHLH",
            "DISPCHG",
            "PATIDBADGE",
            "PATIDDRUG",
            "PATID",
            "PATW",
            "PATH",
            "PATAGE",
            "PATSEX",
            "BOLTYPE",
            "BOLRTSLLOW",
            "BOLRTSLHIGH",
            "BOLRTHLHIGH",
            "BOLVOLSLLOW",
            "BOLVOLSLHIGH",
            "BOLVOLHLHIGH",
            "BOLVOLLIMUT",
            "ACTCHAN",
            "RUNSTATE",
            "SLLOW",
            "SLHIGH",
            "HLHIGH",
            "RTLIMUT",
            "LASTDA",
            "DRUGCAT",
            "DLNAME",
            "DLCRETIME",
            "NURSEID",
            "DRUGORDERNO",
            "DISPNAME",
            "INSOLPRIO",
            "INSOLCOL",
            "TCIMOD",
            "TCIMODEL",
            "TCIAWA",
            "TCIPLA",
            "TCIEFF",
            "TCITAR",
            "TCIUT",
            "DRROUNDED",
            "PCAAD",
            "PCABR",
            "PCALOT",
            "PCABA",
            "PROGSTAT",
            "AUTOPROGSTATE",
            "LASTAUTOPROGERR");

    /**
     * One alarm flag of a pump, {@code INA1} to {@code INA16}: 1 = present, 0 = absent, {@code _NV} = the pump has no
     * such alarm.
     *
     * @param stops whether the pump stops delivering while it is present (its state becomes ALARM); pre-alarms and the
     *     standby warning do not stop it
     */
    record AlarmFlag(String parameter, String code, String text, AlarmEvent.Kind kind, boolean stops) {}

    /** The INA flags (bbraun_const.h), in order. */
    static final List<AlarmFlag> ALARM_FLAGS = List.of(
            new AlarmFlag("INA1", "battery-empty", "battery empty", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA2", "syringe-empty", "syringe empty", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA3", "occlusion", "occlusion (pressure alarm)", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA4", "standby-expiring", "standby ends in two minutes", AlarmEvent.Kind.ADVISORY, false),
            new AlarmFlag("INA5", "standby-over", "standby time over", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA6", "cc-alarm", "CC alarm", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag(
                    "INA7", "end-of-infusion", "end of infusion (volume infused)", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA8", "time-over", "infusion time over", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA9", "syringe-alarm", "syringe alarm", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA10", "ina10", "alarm flag INA10 (not used by BCC 3.3x)", AlarmEvent.Kind.UNKNOWN, false),
            new AlarmFlag("INA11", "battery-low", "battery low (pre-alarm)", AlarmEvent.Kind.TECHNICAL, false),
            new AlarmFlag("INA12", "near-end", "syringe nearly empty (pre-alarm)", AlarmEvent.Kind.TECHNICAL, false),
            new AlarmFlag("INA13", "door-open", "pump door open", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA14", "drop-alarm", "drop alarm", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA15", "air-alarm", "air in line", AlarmEvent.Kind.TECHNICAL, true),
            new AlarmFlag("INA16", "kvo-end", "KVO ended", AlarmEvent.Kind.TECHNICAL, true));

    /** INM10 set: the pump keeps the vein open at a minimal rate after the infusion ended. */
    static final AlarmFlag KVO =
            new AlarmFlag(KVO_ACTIVE, "kvo", "KVO running (keep vein open)", AlarmEvent.Kind.ADVISORY, false);

    static boolean isAlarmFlag(String parameter) {
        return parameter.startsWith("INA")
                && ALARM_FLAGS.stream().anyMatch(f -> f.parameter().equals(parameter));
    }

    private BccCodes() {}
}
