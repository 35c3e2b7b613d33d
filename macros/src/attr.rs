//! Small helpers for reading attributes and types.

use syn::{GenericArgument, PathArguments, Type};

/// `Some(T)` when `ty` is `Option<T>` (by its last path segment).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// Whether `ty` is a path whose last segment is `name` (no arguments).
pub fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == name && s.arguments.is_empty()))
}

/// Parses an integer literal that must fit `T`, with a spanned error.
pub fn int<T: std::str::FromStr>(lit: &syn::LitInt, what: &str) -> syn::Result<T>
where
    T::Err: std::fmt::Display,
{
    lit.base10_parse::<T>()
        .map_err(|e| syn::Error::new(lit.span(), format!("{what}: {e}")))
}

/// Whether `ty` is `Vec<(String, String)>` (by last path segments).
pub fn is_user_property_list(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    let Some(segment) = path.path.segments.last() else {
        return false;
    };
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return false;
    };
    segment.ident == "Vec"
        && matches!(args.args.first(), Some(GenericArgument::Type(Type::Tuple(t)))
            if args.args.len() == 1
                && t.elems.len() == 2
                && t.elems.iter().all(|e| is_named(e, "String")))
}
