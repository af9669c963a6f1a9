/// The vendor profiles, one file each under Profiles/. Facts and their sources:
/// reference/NOTES.md and reference/qualified.md of the vendor reference pack; docs/vendors.md
/// summarises them.
enum VendorProfiles {}
