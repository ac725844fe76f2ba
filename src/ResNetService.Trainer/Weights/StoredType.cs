namespace ResNetService.Trainer.Weights;

/// <summary>The element types a weights file may store; every one widens to float32.</summary>
internal enum StoredType
{
    Float32,
    Float16,
    BFloat16,
    Float64,
    Int64,
    Int32,
    Int16,
    Int8,
    UInt8,
    Bool,
}
