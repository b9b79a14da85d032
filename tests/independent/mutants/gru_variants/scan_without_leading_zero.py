# base: time_batched_kingma
# bug: a* = cumsum(log a) without the leading 0, scanned over log b_1..log b_T only: h0's term is lost
def parallel_scan_log(log_coeffs, log_values):
    lc = np.moveaxis(log_coeffs, 0, -1)
    lv = np.moveaxis(log_values, 0, -1)[..., 1:]
    a_star = np.cumsum(lc, axis=-1)
    log_h = a_star + np.logaddexp.accumulate(lv - a_star, axis=-1)
    return np.moveaxis(np.exp(log_h), -1, 0)
