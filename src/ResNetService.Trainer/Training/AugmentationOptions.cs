namespace ResNetService.Trainer.Training;

/// <summary>Training-time augmentation, applied per image on the batch tensor.</summary>
/// <param name="CropPadding">Pad each side by this many pixels, then cut a random window of the original size (0: off).</param>
/// <param name="HorizontalFlip">Mirror half of the images left to right.</param>
/// <param name="ErasingProbability">Chance that an image gets one random rectangle set to the mean (random erasing).</param>
public sealed record AugmentationOptions(int CropPadding = 4, bool HorizontalFlip = true, double ErasingProbability = 0);
