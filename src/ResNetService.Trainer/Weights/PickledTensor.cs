namespace ResNetService.Trainer.Weights;

/// <summary>
/// A storage a torch pickle refers to by persistent id: the zip entry <c>data/&lt;Key&gt;</c>, read only once the
/// pickle proved to be a state_dict.
/// </summary>
/// <param name="ElementCount">The storage's size in elements, as the pickle claims it.</param>
internal sealed record StorageReference(StoredType Type, string Key, long ElementCount);

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a view into a storage, element
/// <c>offset + sum(index[d] * Stride[d])</c> for each index, so transposed and sliced tensors read right.
/// </summary>
internal sealed record PickledTensor(StorageReference Storage, long Offset, long[] Size, long[] Stride);
