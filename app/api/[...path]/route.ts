import { AppError, errorResponse } from "@/lib/http/errors";

// Unknown API paths answer in the contract's error shape rather than with an HTML page.
const notFound = async () => errorResponse(new AppError("not_found", "No such endpoint."));

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
