# Writes the small NumPy fixtures of tests/rasters/test_npy_file.cpp (run once with numpy 1.24).
import numpy as np

np.save("f32_2x3.npy", np.array([[1.5, -2.25, 0.1], [3e-8, 1e30, -0.0]], dtype="<f4"))
np.save("f64_3x2.npy", np.array([[0.1, -1e-300], [np.pi, 2.5], [1e300, -7.0]], dtype="<f8"))
np.save("i8_2x2.npy", np.array([[-5, 2**53 + 1], [42, -(2**62)]], dtype="<i8"))
with open("i4_v2.npy", "wb") as f:  # format version 2.0 (4-byte header length)
    np.lib.format.write_array(f, np.array([7, -3, 2**31 - 1], dtype="<i4"), version=(2, 0))
np.save("bool_3.npy", np.array([True, False, True]))
np.save("u4_2x2.npy", np.array([[0, 4294967295], [17, 1]], dtype="<u4"))
np.save("big_endian.npy", np.array([1.0, 2.0], dtype=">f8"))
np.save("fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)))
np.save("object.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.savez_compressed("preds.npz", probs=np.array([[0.25, 0.75], [0.5, 0.125]], dtype="<f4"),
                    labels=np.array([1, 0], dtype="<i8"))
