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
