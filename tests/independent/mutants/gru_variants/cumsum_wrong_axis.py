# base: stacked_clipped
# bug: cumsum over the last axis (Heinsen's code has time last), not over time
def parallel_scan_log(log_coeffs, log_values):
    a_star = np.concatenate([np.zeros((1,) + log_coeffs.shape[1:]), np.cumsum(log_coeffs, axis=-1)])
    log_h = a_star + np.logaddexp.accumulate(log_values - a_star, axis=0)
    return np.exp(log_h[1:])
