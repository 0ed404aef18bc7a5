package org.bedside.drivers.ivue;

/**
 * Wire constants of the IntelliVue Data Export protocol, named as in the Philips programming guide. Section numbers
 * refer to ../shared/design/protocols.md §1, which gives the sources (VSCaptureMP, OpenICE, patient-monitor-datalogger,
 * verified against real MX800 traffic).
 */
final class IvueWire {
    private IvueWire() {}

    // §1.2 serial framing
    static final byte BOF = (byte) 0xC0;
    static final byte EOF = (byte) 0xC1;
    static final byte ESC = (byte) 0x7D;
    static final int ESC_XOR = 0x20;
    /** Header protocol id: Data Export. */
    static final int PROTOCOL_ID_DATA_EXPORT = 0x11;
    /** Header message type: association control or data export command. */
    static final int MSG_TYPE_AS_DATA_EXPORT = 0x01;

    static final int SERIAL_HEADER_LENGTH = 4;
    static final int FCS_LENGTH = 2;

    // §1.1 LAN
    /** UDP port of the monitor's Data Export protocol. */
    static final int DATA_EXPORT_PORT = 24105;
    /** UDP port monitors send their Connect Indication to. */
    static final int CONNECT_INDICATION_PORT = 24005;

    // §1.3 session layer (SPDU) first byte
    static final int SPDU_CN = 0x0D;
    static final int SPDU_AC = 0x0E;
    static final int SPDU_RF = 0x0C;
    static final int SPDU_FN = 0x09;
    static final int SPDU_DN = 0x0A;
    static final int SPDU_AB = 0x19;
    /** Data export message: SPpdu session id 0xE100. */
    static final int SESSION_ID_DATA_EXPORT = 0xE100;

    static final int PRESENTATION_CONTEXT = 0x0002;

    // ROapdus.ro_type
    static final int ROIV = 1;
    static final int RORS = 2;
    static final int ROER = 3;
    static final int ROLRS = 5;

    // command_type
    static final int CMD_EVENT_REPORT = 0;
    static final int CMD_CONFIRMED_EVENT_REPORT = 1;
    static final int CMD_GET = 3;
    static final int CMD_SET = 4;
    static final int CMD_CONFIRMED_SET = 5;
    static final int CMD_CONFIRMED_ACTION = 7;

    // linked result state
    static final int RORLS_FIRST = 1;
    static final int RORLS_NOT_FIRST_NOT_LAST = 2;
    static final int RORLS_LAST = 3;

    // object classes (partition NOM_PART_OBJ = 1), §1.6
    static final int NOM_PART_OBJ = 1;
    static final int NOM_MOC_VMO_METRIC_NU = 0x0006;
    static final int NOM_MOC_VMO_METRIC_SA_RT = 0x0009;
    static final int NOM_MOC_VMS_MDS = 0x0021;
    static final int NOM_MOC_PT_DEMOG = 0x002A;
    static final int NOM_MOC_VMO_AL_MON = 0x0036;
    static final int NOM_MOC_VMS_MDS_COMPOS_SINGLE_BED = 0x0023;

    // events and actions
    static final int NOM_NOTI_MDS_CREAT = 0x0D06;
    static final int NOM_NOTI_CONN_INDIC = 0x0D17;
    static final int NOM_ACT_POLL_MDIB_DATA = 0x0C16;
    static final int NOM_ACT_POLL_MDIB_DATA_EXT = 0xF13B;

    // attribute groups, §1.6
    static final int NOM_ATTR_GRP_AL_MON = 0x0801;
    static final int NOM_ATTR_GRP_METRIC_VAL_OBS = 0x0803;
    static final int NOM_ATTR_GRP_VMO_STATIC = 0x0811;
    static final int NOM_ATTR_GRP_PT_DEMOG = 0x0807;

    // attribute ids, §1.8
    static final int NOM_ATTR_AL_MON_P_AL_LIST = 0x0902;
    static final int NOM_ATTR_AL_MON_T_AL_LIST = 0x0904;
    static final int NOM_ATTR_DEV_AL_COND = 0x0916;
    static final int NOM_ATTR_ID_HANDLE = 0x0921;
    static final int NOM_ATTR_ID_LABEL = 0x0924;
    static final int NOM_ATTR_ID_LABEL_STRING = 0x0927;
    static final int NOM_ATTR_ID_MODEL = 0x0928;
    static final int NOM_ATTR_ID_TYPE = 0x092F;
    static final int NOM_ATTR_NU_CMPD_VAL_OBS = 0x094B;
    static final int NOM_ATTR_NU_VAL_OBS = 0x0950;
    static final int NOM_ATTR_SA_CALIB_I16 = 0x0964;
    static final int NOM_ATTR_SA_CMPD_VAL_OBS = 0x0967;
    static final int NOM_ATTR_SA_SPECN = 0x096D;
    static final int NOM_ATTR_SA_VAL_OBS = 0x096E;
    static final int NOM_ATTR_SCALE_SPECN_I16 = 0x096F;
    static final int NOM_ATTR_SYS_ID = 0x0984;
    static final int NOM_ATTR_SYS_TYPE = 0x0986;
    static final int NOM_ATTR_TIME_ABS = 0x0987;
    static final int NOM_ATTR_TIME_PD_SAMP = 0x098D;
    static final int NOM_ATTR_TIME_REL = 0x098F;
    static final int NOM_ATTR_TIME_STAMP_ABS = 0x0990;
    static final int NOM_ATTR_TIME_STAMP_REL = 0x0991;
    static final int NOM_ATTR_UNIT_CODE = 0x0996;
    static final int NOM_ATTR_PCOL_SUPPORT = 0xF101;
    static final int NOM_ATTR_NET_ADDR_INFO = 0xF100;
    static final int NOM_ATTR_TIME_PD_POLL = 0xF13E;
    static final int NOM_ATTR_POLL_RTSA_PRIO_LIST = 0xF23A;

    // MDSEUserInfoStd, §1.4
    static final int NOM_POLL_PROFILE_SUPPORT = 0x0001;
    static final int NOM_ATTR_POLL_PROFILE_EXT = 0xF001;

    // MeasurementState bits, §1.9 (ASN.1 bit 0 is the most significant)
    static final int MS_INVALID = 0x8000;
    static final int MS_QUESTIONABLE = 0x4000;
    static final int MS_UNAVAILABLE = 0x2000;
    static final int MS_CALIBRATION_ONGOING = 0x1000;
    static final int MS_TEST_DATA = 0x0800;
    static final int MS_DEMO_DATA = 0x0400;
    static final int MS_VALIDATED_DATA = 0x0080;
    static final int MS_EARLY_INDICATION = 0x0040;
    static final int MS_MSMT_ONGOING = 0x0020;
    static final int MS_MSMT_STATE_IN_ALARM = 0x0002;
    static final int MS_MSMT_STATE_AL_INHIBITED = 0x0001;

    // AlertType (DevAlarmEntry.al_type): technical and physiological, by priority
    static final int LOW_PRI_T_AL = 0x0001;
    static final int MED_PRI_T_AL = 0x0002;
    static final int HI_PRI_T_AL = 0x0004;
    static final int LOW_PRI_P_AL = 0x0100;
    static final int MED_PRI_P_AL = 0x0200;
    static final int HI_PRI_P_AL = 0x0400;

    // AlertState bits
    static final int AL_INHIBITED = 0x8000;
    static final int AL_SUSPENDED = 0x4000;
    static final int AL_LATCHED = 0x2000;
    static final int AL_SILENCED_RESET = 0x1000;

    // DevAlarmEntry.alert_info_id
    static final int GEN_ALMON_INFO = 0x0201;
    static final int STR_ALMON_INFO = 0x0204;

    /** NOM_METRIC_NOS: a numeric value that names no physio id; its object's label says what it is (§1.7). */
    static final int NOM_METRIC_NOS = 0;

    /** One RelativeTime tick: 1/8 ms. */
    static final long RELATIVE_TIME_TICK_NANOS = 125_000;
}
