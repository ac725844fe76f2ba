namespace ResNetService.Trainer.Data;

/// <summary>
/// A data set that cannot be used as it is: a corrupt file, a layout the reader does not know, or splits, labels and
/// classes that do not fit together. Its message names the file or data set. A type of its own, rather than
/// <see cref="InvalidDataException"/>, because the readers wrap a library's InvalidDataException (gzip, HDF5 filters)
/// to add the file's name, and must not wrap their own diagnoses twice.
/// </summary>
public sealed class DataSetException(string message, Exception? inner = null) : Exception(message, inner);
