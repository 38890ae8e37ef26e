"""Published data sets used as references by the synthesis tests.

Every data set is copied from the source named next to it; the expected results live in
the test modules, each next to the source it was read from.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------
# BCG vaccine trials (Colditz et al. 1994, JAMA 271:698-702), metafor's ``dat.bcg``.
# Counts as printed in metafor's documentation, docs/reference/dat.bcg.html
# (github.com/wviechtb/metafor, pkgdown site of metafor 2.5-15), example "dat".
# tpos/tneg: TB positive/negative among vaccinated; cpos/cneg: among controls.
# ---------------------------------------------------------------------------------------
BCG_TPOS = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27], dtype=float)
BCG_TNEG = np.array(
    [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886], dtype=float
)
BCG_CPOS = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29], dtype=float)
BCG_CNEG = np.array(
    [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825], dtype=float
)
BCG_N1 = BCG_TPOS + BCG_TNEG
BCG_N2 = BCG_CPOS + BCG_CNEG
#: treatment allocation (same page): used for the subgroup analysis in the rma.uni docs.
BCG_ALLOC = [
    "random",
    "random",
    "random",
    "random",
    "alternate",
    "alternate",
    "random",
    "random",
    "random",
    "systematic",
    "systematic",
    "systematic",
    "systematic",
]
#: log risk ratios and variances as printed (4 decimals) on the same page.
BCG_YI_PRINTED = [
    -0.8893, -1.5854, -1.3481, -1.4416, -0.2175, -0.7861, -1.6209,
    0.0120, -0.4694, -1.3713, -0.3394, 0.4459, -0.0173,
]  # fmt: skip
BCG_VI_PRINTED = [
    0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230,
    0.0040, 0.0564, 0.0730, 0.0124, 0.5325, 0.0714,
]  # fmt: skip

# ---------------------------------------------------------------------------------------
# Length of hospital stay, specialist vs routine stroke care (Normand 1999, Stat Med
# 18:321-359, Table VIII), metafor's ``dat.normand1999``. Values as printed in the
# metafor-project page analyses:normand1999 / metadat; identical in several independent
# copies of the data set (n1/m1/sd1 = specialist care, n2/m2/sd2 = routine care).
# ---------------------------------------------------------------------------------------
NORMAND_N1 = np.array([155, 31, 75, 18, 8, 57, 34, 110, 60], dtype=float)
NORMAND_M1 = np.array([55, 27, 64, 66, 14, 19, 52, 21, 30], dtype=float)
NORMAND_SD1 = np.array([47, 7, 17, 20, 8, 7, 45, 16, 27], dtype=float)
NORMAND_N2 = np.array([156, 32, 71, 18, 13, 52, 33, 183, 52], dtype=float)
NORMAND_M2 = np.array([75, 29, 119, 137, 18, 18, 41, 31, 23], dtype=float)
NORMAND_SD2 = np.array([64, 4, 29, 48, 11, 4, 34, 27, 20], dtype=float)

# ---------------------------------------------------------------------------------------
# Lidocaine and mortality after myocardial infarction (Hine et al. 1989), metafor's
# ``dat.hine1989``, as printed on metafor-project.org, analyses:normand1999 (Part 1).
# ai/n1i = deaths/patients on lidocaine, ci/n2i = deaths/patients on control.
# ---------------------------------------------------------------------------------------
HINE_N1 = np.array([39, 44, 107, 103, 110, 154], dtype=float)
HINE_N2 = np.array([43, 44, 110, 100, 106, 146], dtype=float)
HINE_AI = np.array([2, 4, 6, 7, 7, 11], dtype=float)
HINE_CI = np.array([1, 4, 4, 5, 3, 4], dtype=float)

# ---------------------------------------------------------------------------------------
# Intravenous magnesium after myocardial infarction (Egger, Davey Smith & Altman 2001,
# Table 18.2), metafor's ``dat.egger2001``, as printed in metafor's documentation
# docs/reference/dat.egger2001.html. Trial 16 is ISIS-4.
# ---------------------------------------------------------------------------------------
EGGER_AI = np.array([1, 9, 2, 1, 10, 1, 1, 0, 6, 1, 2, 5, 4, 90, 4, 2216], dtype=float)
EGGER_N1 = np.array(
    [40, 135, 200, 48, 150, 59, 25, 22, 76, 27, 89, 23, 130, 1159, 107, 29011], dtype=float
)
EGGER_CI = np.array([2, 23, 7, 1, 8, 9, 3, 1, 11, 7, 12, 13, 8, 118, 17, 2103], dtype=float)
EGGER_N2 = np.array(
    [36, 135, 200, 46, 148, 56, 23, 21, 75, 27, 80, 33, 122, 1157, 108, 29039], dtype=float
)

# ---------------------------------------------------------------------------------------
# Complementary/alternative medicine for irritable bowel syndrome (Dorn et al. 2007),
# metafor's ``dat.dorn2007`` as printed in docs/reference/dat.dorn2007.html:
# x.a/n.a responders/participants on active treatment, x.p/n.p on placebo.
# ---------------------------------------------------------------------------------------
DORN_XA = np.array(
    [29, 20, 14, 17, 11, 24, 26, 17, 4, 21, 15, 37, 13, 19, 29, 13, 25, 37, 55], dtype=float
)
DORN_NA = np.array(
    [38, 31, 23, 30, 27, 29, 32, 18, 12, 60, 17, 51, 33, 20, 50, 16, 33, 57, 90], dtype=float
)
DORN_XP = np.array([11, 21, 30, 5, 6, 5, 9, 13, 5, 26, 8, 20, 17, 3, 30, 5, 8, 17, 37], dtype=float)
DORN_NP = np.array(
    [32, 30, 46, 13, 23, 29, 22, 18, 13, 59, 17, 52, 33, 20, 46, 16, 26, 50, 90], dtype=float
)

# ---------------------------------------------------------------------------------------
# Kacker (2004) interlaboratory example, as given with full-precision R metafor output in
# statsmodels' test suite: statsmodels/stats/tests/results/results_meta.py ("example from
# Kacker 2004, computed with R metafor").
# ---------------------------------------------------------------------------------------
KACKER_Y = np.array([61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9])
KACKER_V = np.array([0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225])

# ---------------------------------------------------------------------------------------
# Six trials with means/SDs (example from "Applied Meta-Analysis with R"), with metafor
# ``escalc(measure="SMD")`` output in full precision, from statsmodels' test suite
# statsmodels/stats/tests/test_meta.py (class TestEffSmdMeta).
# Columns: mean_t, sd_t, n_t, mean_c, sd_c, n_c.
# ---------------------------------------------------------------------------------------
SMD_ROWS = np.array(
    [
        [94, 22, 60, 92, 20, 60],
        [98, 21, 65, 92, 22, 65],
        [98, 28, 40, 88, 26, 40],
        [94, 19, 200, 82, 17, 200],
        [98, 21, 50, 88, 22, 45],
        [96, 21, 85, 92, 22, 85],
    ],
    dtype=float,
)


def bcg_log_rr() -> tuple[np.ndarray, np.ndarray]:
    """Log risk ratios of dat.bcg via the module under test (checked in test_stats)."""
    from synthesis.stats import binary_effect

    return binary_effect(BCG_TPOS, BCG_N1, BCG_CPOS, BCG_N2, "RR")


# ---------------------------------------------------------------------------------------
# metaumbrella's example data set ``df.SMD`` (fictitious RCTs of two interventions; R package
# metaumbrella 1.1.0, data/df.SMD.rda), as printed in full by the package's vignette
# "Vignette 2: conduct an umbrella review with metaumbrella" (cran/metaumbrella,
# inst/doc/conduct-umbrella.html, built 2025-02-28, Example 3: ``DT::datatable(df.SMD)``).
# Columns: factor, n_cases, n_controls, value (Cohen's d), se, mean_cases, sd_cases,
# mean_controls, sd_controls (cases = experimental arm).
# ---------------------------------------------------------------------------------------
DF_SMD_FACTOR = ["Pharmacological"] * 21 + ["Surgical"] * 12
DF_SMD_N_CASES = np.array(
    [88, 192, 262, 321, 92, 298, 43, 269, 247, 94, 271, 163, 270, 343, 141, 231, 337, 72, 192,
     344, 29, 350, 29, 105, 50, 289, 295, 82, 86, 115, 159, 62, 337],
    dtype=float,
)  # fmt: skip
DF_SMD_N_CONTROLS = np.array(
    [91, 211, 308, 367, 79, 316, 36, 288, 270, 114, 289, 144, 254, 390, 134, 252, 382, 107, 226,
     389, 64, 370, 71, 142, 44, 280, 297, 78, 94, 166, 167, 103, 358],
    dtype=float,
)  # fmt: skip
DF_SMD_VALUE = np.array(
    [1.45240022207996, 0.504266901667983, 1.14901986339933, 2.21796034716985, 0.519900360327425,
     -0.47813908423879, 1.32567011989965, 0.919938471428874, 0.476916686900615,
     0.421999496089787, 1.19337697256454, 0.0945231728794576, 1.53451816058003,
     1.93437832563536, -0.17348327376306, 0.795467526879682, 1.17216762722429,
     0.256469221119969, 0.187409347925118, 1.39293424467321, -1.343742499493,
     -0.198969605581089, -0.203503956184949, 0.410791019798193, 0.631653617842761,
     0.0729046406454509, -0.232589057677741, -0.821030286642563, -0.547601402743454,
     0.0724943992282988, 0.548806646727317, -0.0662671385548734, -0.308175848542277]
)  # fmt: skip
DF_SMD_SE = np.array(
    [0.168062522927324, 0.101307255588172, 0.0906733601080934, 0.0970317889653924,
     0.155942724650883, 0.0818928070243164, 0.249311821940078, 0.0891592803786568,
     0.0892874976014994, 0.140848547074536, 0.0917703969786444, 0.114428865609163,
     0.0994364450376091, 0.0896211761474336, 0.120870202945699, 0.0946165854472091,
     0.0808742097772919, 0.153030769500006, 0.0983622100785464, 0.0824692726650205,
     0.244572119323717, 0.0747484973377517, 0.220849122624152, 0.13002946105089,
     0.211777100374139, 0.0838826962759586, 0.0824774179695882, 0.164688094007835,
     0.151984109567388, 0.121363503049637, 0.112868410290603, 0.160782701786653,
     0.0763477607667245]
)  # fmt: skip
DF_SMD_MEAN_CONTROLS = np.array(
    [101.145036488771, 103.72899656184, 104.46723346319, 96.7799646025524, 99.68350637611,
     99.5168026909232, 93.3551999581978, 97.6821807576343, 101.202108364552, 99.9764097221196,
     100.820550519973, 96.673045755364, 98.3597774589434, 93.6741327010095, 96.816798850894,
     103.349408391863, 97.2272537928075, 101.371599541046, 94.4712263345718, 94.0067533990368,
     103.674086532556, 7.17667932715267, 6.52403710153885, 4.37123384303413, 4.98266600165516,
     7.59849287313409, 5.94344919291325, 7.88584717991762, 7.43705707695335, 7.06787125417031,
     5.50210383464582, 5.53932926710695, 8.88445388153195]
)  # fmt: skip
DF_SMD_MEAN_CASES = np.array(
    [114.432055079378, 110.383968926035, 112.306025959551, 114.685458038002, 105.692424476147,
     95.3060818323866, 111.348666250706, 105.29694693163, 107.136128246784, 104.860475361347,
     113.889933545142, 97.4705323344097, 111.947122104466, 109.579396145418, 95.5566450953484,
     112.551945592277, 110.220697782934, 103.253826415166, 96.3470108993351, 111.44607567694,
     95.7658596290275, 6.65965856984258, 6.04376839543693, 5.66554408404045, 6.61248608212918,
     7.82637341669761, 5.08811311773024, 6.14173987531103, 5.76518927281722, 7.28656172123738,
     6.7613597905729, 5.37655475642532, 7.867955571739]
)  # fmt: skip
DF_SMD_SD_CONTROLS = np.array(
    [11.1453612754121, 13.6328191845678, 5.03827966051176, 5.9870168287307, 12.298735990189,
     10.0609406200238, 13.1922792037949, 10.3925682022236, 11.3004895206541, 13.9481820585206,
     9.1952826268971, 6.54893860919401, 9.23795749899, 7.73833929793909, 7.59439784567803,
     7.74287162814289, 9.23480990808457, 8.2002959982492, 10.6061210064217, 10.6565343029797,
     5.44214868685231, 2.02397740771994, 2.24415583256632, 3.01330738607794, 2.33902407810092,
     3.35641219327226, 3.78639505524188, 2.1253103967756, 3.54366269055754, 3.08877077093348,
     2.19158199848607, 2.44004953606054, 3.38845992926508]
)  # fmt: skip
DF_SMD_SD_CASES = np.array(
    [6.46272841375321, 12.7012792765163, 8.45152491005138, 9.9356307159178, 10.8826868841425,
     7.24231282481924, 13.8824907550588, 5.12133470969275, 13.5817495244555, 7.7661520219408,
     12.5570958759636, 9.80596961919218, 8.4779769461602, 8.7404890707694, 6.93522014888003,
     14.6445937710814, 12.8649318078533, 5.82058144267648, 9.25635585794225, 14.3386545102112,
     6.7770477803424, 3.09192744968459, 2.62734853336588, 3.32809495087713, 2.7747031734325,
     2.88472807360813, 3.56441433681175, 2.12332162307575, 2.4042440825142, 2.90910798776895,
     2.39794361544773, 2.48333657719195, 3.20001179073006]
)  # fmt: skip
